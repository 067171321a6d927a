// Operator actions, cancellation and deferred planning on SQLite: read the step (or the task's steps in some
// states), then reopen (retry) or close (resolve, skip, cancel) it. History and counters: transaction.ts.

/** Step ?, every column. */
export const step = 'SELECT * FROM steps WHERE step_id = ?';

/** Steps of task ? in states ? (JSON array), in id order; every column. */
export const stepsOfTaskIn =
  'SELECT * FROM steps WHERE task_id = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY step_id';

/** skipped / resolved_manually / cancelled, a final state with optional results: state, results, now, step id. */
export const closeStep = `UPDATE steps SET state = ?, results = ?, completed_at = ?,
              ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
              WHERE step_id = ?`;

/** failed -> pending with a fresh attempt budget: ready at (NULL while a parent is unmet), step id. */
export const reopenStep = `UPDATE steps SET state = 'pending', attempts = 0, ready_at = ?, next_attempt_at = NULL,
                completed_at = NULL, duration_ms = NULL WHERE step_id = ?`;
