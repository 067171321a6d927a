-- cancelSteps (tasker_cancel_steps)
UPDATE "tasker".steps SET state = 'cancelled', completed_at = date_trunc('milliseconds', now()),
              ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = ANY($1::bigint[]);

-- cancelTask (tasker_cancel_task)
UPDATE "tasker".tasks SET state = 'cancelled', open_steps = 0, completed_at = date_trunc('milliseconds', now()),
              waiting_for = NULL
        WHERE task_id = $1;
