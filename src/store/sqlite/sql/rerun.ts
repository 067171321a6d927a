// rerunFrom on SQLite (../rerun.ts): read the task and all its steps with the reason each skipped step was skipped,
// reset the step and its descendants to pending, fix the unmet counters of the others, write the rerun's history rows
// (with the new run and the results a step had) and move the task to running at its next run.

/** Task ?'s state, run and context. */
export const rerunTask = 'SELECT task_id, state, run, context FROM tasks WHERE task_id = ?';

/** Every step of task ?, in id order, with what a rerun decides from. */
export const rerunSteps = `SELECT step_id, name, state, unmet, attempts, depends_on, results, map_of, map_size
     FROM steps WHERE task_id = ? ORDER BY step_id`;

/** The reasons task ?'s steps were skipped, oldest first (the latest per step counts). Rows: step_id, reason. */
export const skipReasons = `SELECT step_id, reason FROM transitions
     WHERE task_id = ? AND step_id IS NOT NULL AND to_state = 'skipped' ORDER BY id`;

/**
 * A rerun's history row: task id, step id (NULL for the task), from, to, at, reason, attempt, actor, run, results
 * (JSON the step had, or NULL).
 */
export const insertRerunHistory = `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error, run, results)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`;

/** A step back to pending with nothing spent: unmet, ready at (NULL while a parent is unmet), step id. */
export const resetStep = `UPDATE steps SET state = 'pending', unmet = ?, attempts = 0, results = NULL, error = NULL,
                ready_at = ?, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL, started_at = NULL,
                completed_at = NULL, duration_ms = NULL WHERE step_id = ?`;

/** A step's unmet counter: unmet, step id. */
export const setUnmet = 'UPDATE steps SET unmet = ? WHERE step_id = ?';

/**
 * The task back to running at its next run: run, open steps, satisfied steps, needs plan (1 to plan again, else
 * unchanged), context (JSON, NULL = unchanged), task id.
 */
export const restartTask = `UPDATE tasks SET state = 'running', completed_at = NULL, run = ?, open_steps = ?,
                satisfied_steps = ?, needs_plan = CASE WHEN ? = 1 THEN 1 ELSE needs_plan END,
                context = coalesce(?, context) WHERE task_id = ?`;
