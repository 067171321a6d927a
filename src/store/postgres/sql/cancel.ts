// cancelTask: the task's pending, retrying and running steps (read with operate.ts, stepsOfTaskForUpdate) and the
// task itself become cancelled; the history rows are written by the caller (transaction.ts, insertHistory).
import { statement } from './statement.js';

/** Steps $1 (bigint[]) cancelled now, their claim cleared. */
export const cancelSteps = statement(
  'cancel_steps',
  (n) => `UPDATE ${n.q}.steps SET state = 'cancelled', completed_at = date_trunc('milliseconds', now()),
              ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = ANY($1::bigint[])`,
);

/** Task $1 cancelled now, with no open steps left and nothing to wait for. */
export const cancelTask = statement(
  'cancel_task',
  (n) => `UPDATE ${n.q}.tasks SET state = 'cancelled', open_steps = 0, completed_at = date_trunc('milliseconds', now()),
              waiting_for = NULL
        WHERE task_id = $1`,
);
