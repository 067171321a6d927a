// Operator actions, cancellation and deferred planning read and lock the task and its steps with these, then
// reopen (retry), settle (resolve, skip), cancel, or set a task's state. Every caller writes the history rows
// (transaction.ts, insertHistory) and finalises through transaction.ts.
import { statement } from './statement.js';

/** Task $1, locked. Row: task_id, state, open_steps, satisfied_steps, step_count, needs_plan. */
export const taskForUpdate = statement(
  'task_for_update',
  (n) => `SELECT task_id, state, open_steps, satisfied_steps, step_count, needs_plan FROM ${n.q}.tasks
        WHERE task_id = $1 FOR NO KEY UPDATE`,
);

/** Steps of task $1 in states $2 (text[]), locked in id order. Rows: step_id, task_id, name, state, unmet, attempts. */
export const stepsOfTaskForUpdate = statement(
  'steps_of_task_for_update',
  (n) => `SELECT step_id, task_id, name, state, unmet, attempts FROM ${n.q}.steps
        WHERE task_id = $1 AND state = ANY($2::text[]) ORDER BY step_id FOR NO KEY UPDATE`,
);

/** Step $1, locked (the latest committed version). Row: step_id, task_id, name, state, unmet, attempts. */
export const stepForUpdate = statement(
  'step_for_update',
  (n) => `SELECT step_id, task_id, name, state, unmet, attempts FROM ${n.q}.steps WHERE step_id = $1 FOR NO KEY UPDATE`,
);

/** Task $1 to state $2, completed now when $3 (boolean), else not completed. */
export const setTaskState = statement(
  'set_task_state',
  (
    n,
  ) => `UPDATE ${n.q}.tasks SET state = $2, completed_at = CASE WHEN $3::boolean THEN date_trunc('milliseconds', now()) END
        WHERE task_id = $1`,
);

/** Steps $1 (bigint[]): failed -> pending with a fresh attempt budget; claimable now when no parent is unmet. */
export const reopenSteps = statement(
  'reopen_steps',
  (n) => `UPDATE ${n.q}.steps SET state = 'pending', attempts = 0,
              ready_at = CASE WHEN unmet = 0 THEN date_trunc('milliseconds', now()) END,
              completed_at = NULL, duration_ms = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = ANY($1::bigint[])`,
);

/** Step $1 to $2 (skipped or resolved_manually) by an operator or a planning hook; $3 results (jsonb) or NULL. */
export const settleStep = statement(
  'settle_step',
  (n) => `UPDATE ${n.q}.steps SET state = $2, results = $3::jsonb, completed_at = date_trunc('milliseconds', now()),
              ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = $1`,
);
