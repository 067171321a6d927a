-- markPlanned (tasker_mark_planned)
UPDATE "tasker".tasks SET needs_plan = false WHERE task_id = $1;

-- planSteps (tasker_plan_steps)
UPDATE "tasker".steps s SET retry_limit = p.retry_limit, retryable = p.retryable, timeout_ms = p.timeout_ms
         FROM unnest($2::text[], $3::integer[], $4::boolean[], $5::integer[])
                AS p(name, retry_limit, retryable, timeout_ms)
        WHERE s.task_id = $1 AND s.name = p.name AND s.state IN ('pending', 'running');

-- releaseHeld (tasker_release_held)
WITH r AS (SELECT * FROM unnest($1::bigint[], $2::integer[]) AS r(step_id, attempt))
       UPDATE "tasker".steps s SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END,
              attempts = s.attempts - 1, ready_at = date_trunc('milliseconds', now()), locked_by = NULL,
              lease_expires_at = NULL
         FROM r
        WHERE s.step_id = r.step_id AND s.task_id = $3 AND s.state = 'running' AND s.locked_by = $4
          AND s.attempts = r.attempt
       RETURNING s.step_id, s.state, s.attempts;
