// applyPlan: a deferred planning hook's result applied once to a task created with `needs_plan` (under the task
// lock, operate.ts taskForUpdate), and the caller's claimed steps of the task handed back uncounted. Disabled steps
// are skipped with operate.ts settleStep; annotations go in with annotations.ts.
import { statement } from './statement.js';

/** Task $1 is planned. */
export const markPlanned = statement(
  'mark_planned',
  (n) => `UPDATE ${n.q}.tasks SET needs_plan = false WHERE task_id = $1`,
);

/**
 * The planning hook's settings for steps of task $1 that have not run: arrays by step name of $2 names,
 * $3 retry limits, $4 retryable, $5 timeouts.
 */
export const planSteps = statement(
  'plan_steps',
  (n) => `UPDATE ${n.q}.steps s SET retry_limit = p.retry_limit, retryable = p.retryable, timeout_ms = p.timeout_ms
         FROM unnest($2::text[], $3::integer[], $4::boolean[], $5::integer[])
                AS p(name, retry_limit, retryable, timeout_ms)
        WHERE s.task_id = $1 AND s.name = p.name AND s.state IN ('pending', 'running')`,
);

/**
 * Hand back steps of task $3 that worker $4 holds at the given attempts ($1 step ids, $2 attempts), without counting
 * the attempt: pending, or retrying after earlier attempts. Rows: step_id, state, attempts (after).
 */
export const releaseHeld = statement(
  'release_held',
  (n) => `WITH r AS (SELECT * FROM unnest($1::bigint[], $2::integer[]) AS r(step_id, attempt))
       UPDATE ${n.q}.steps s SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END,
              attempts = s.attempts - 1, ready_at = date_trunc('milliseconds', now()), locked_by = NULL,
              lease_expires_at = NULL
         FROM r
        WHERE s.step_id = r.step_id AND s.task_id = $3 AND s.state = 'running' AND s.locked_by = $4
          AND s.attempts = r.attempt
       RETURNING s.step_id, s.state, s.attempts`,
);
