-- rerunTask
SELECT task_id, state, run, context FROM tasks WHERE task_id = ?;

-- rerunSteps
SELECT step_id, name, state, unmet, attempts, depends_on, results, map_of, map_size
     FROM steps WHERE task_id = ? ORDER BY step_id;

-- skipReasons
SELECT step_id, reason FROM transitions
     WHERE task_id = ? AND step_id IS NOT NULL AND to_state = 'skipped' ORDER BY id;

-- insertRerunHistory

    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error, run, results)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?);

-- resetStep
UPDATE steps SET state = 'pending', unmet = ?, attempts = 0, results = NULL, error = NULL,
                ready_at = ?, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL, started_at = NULL,
                completed_at = NULL, duration_ms = NULL WHERE step_id = ?;

-- setUnmet
UPDATE steps SET unmet = ? WHERE step_id = ?;

-- restartTask
UPDATE tasks SET state = 'running', completed_at = NULL, run = ?, open_steps = ?,
                satisfied_steps = ?, needs_plan = CASE WHEN ? = 1 THEN 1 ELSE needs_plan END,
                context = coalesce(?, context) WHERE task_id = ?;
