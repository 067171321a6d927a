-- rerunTask (tasker_rerun_task)
SELECT task_id, state, run, context FROM "tasker".tasks WHERE task_id = $1 FOR NO KEY UPDATE;

-- rerunSteps (tasker_rerun_steps)
SELECT step_id, name, state, unmet, attempts, depends_on, results, map_of, map_size FROM "tasker".steps
        WHERE task_id = $1 ORDER BY step_id FOR NO KEY UPDATE;

-- skipReasons (tasker_skip_reasons)
SELECT step_id, reason FROM "tasker".transitions
        WHERE task_id = $1 AND step_id IS NOT NULL AND to_state = 'skipped' ORDER BY transition_id;

-- insertRerunHistory (tasker_insert_rerun_history)
INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, run, results)
       SELECT $1, h.step_id, h.from_state, h.to_state, date_trunc('milliseconds', now()), $3, h.attempt, $2, $4,
              h.results
         FROM unnest($5::bigint[], $6::text[], $7::text[], $8::integer[], $9::jsonb[]) WITH ORDINALITY
           AS h(step_id, from_state, to_state, attempt, results, ord)
        ORDER BY h.ord;

-- resetSteps (tasker_reset_steps)
UPDATE "tasker".steps s SET state = 'pending', unmet = u.unmet, attempts = 0, results = NULL, error = NULL,
              ready_at = CASE WHEN u.unmet = 0 THEN date_trunc('milliseconds', now()) END, locked_by = NULL,
              lease_expires_at = NULL, started_at = NULL, completed_at = NULL, duration_ms = NULL
         FROM unnest($1::bigint[], $2::integer[]) AS u(step_id, unmet)
        WHERE s.step_id = u.step_id;

-- setUnmet (tasker_set_unmet)
UPDATE "tasker".steps s SET unmet = u.unmet FROM unnest($1::bigint[], $2::integer[]) AS u(step_id, unmet)
        WHERE s.step_id = u.step_id;

-- restartTask (tasker_restart_task)
UPDATE "tasker".tasks SET state = 'running', completed_at = NULL, run = $2, open_steps = $3,
              satisfied_steps = $4, needs_plan = needs_plan OR $5::boolean, context = coalesce($6::jsonb, context)
        WHERE task_id = $1;
