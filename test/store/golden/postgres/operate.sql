-- taskForUpdate (tasker_task_for_update)
SELECT task_id, state, open_steps, satisfied_steps, step_count, needs_plan FROM "tasker".tasks
        WHERE task_id = $1 FOR NO KEY UPDATE;

-- stepsOfTaskForUpdate (tasker_steps_of_task_for_update)
SELECT step_id, task_id, name, state, unmet, attempts FROM "tasker".steps
        WHERE task_id = $1 AND state = ANY($2::text[]) ORDER BY step_id FOR NO KEY UPDATE;

-- stepForUpdate (tasker_step_for_update)
SELECT step_id, task_id, name, state, unmet, attempts FROM "tasker".steps WHERE step_id = $1 FOR NO KEY UPDATE;

-- setTaskState (tasker_set_task_state)
UPDATE "tasker".tasks SET state = $2, completed_at = CASE WHEN $3::boolean THEN date_trunc('milliseconds', now()) END
        WHERE task_id = $1;

-- reopenSteps (tasker_reopen_steps)
UPDATE "tasker".steps SET state = 'pending', attempts = 0,
              ready_at = CASE WHEN unmet = 0 THEN date_trunc('milliseconds', now()) END,
              completed_at = NULL, duration_ms = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = ANY($1::bigint[]);

-- settleStep (tasker_settle_step)
UPDATE "tasker".steps SET state = $2, results = $3::jsonb, completed_at = date_trunc('milliseconds', now()),
              ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = $1;
