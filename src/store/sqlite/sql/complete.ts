// completeSteps on SQLite, inside the caller's IMMEDIATE transaction: each outcome changes its step only where the
// caller still holds it (completeHeld checks in the statement; the others after a read), then history rows are
// written (insertCompletedHistory for a batch of completions, transaction.ts insertTransition otherwise).

/**
 * The hot completion, only where the caller still holds the step (else nothing changes: stale). Positional
 * parameters (results, now, now, step, task, worker, attempt): named binding costs ~0.5 us more.
 */
export const completeHeld = `UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?,
                 duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE max(0, ? - started_at) END,
                 ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
                 WHERE step_id = ? AND task_id = ? AND state = 'running' AND locked_by = ? AND attempts = ?`;

/** Step completed: results, now, duration, step id. */
export const completeStep = `UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?, duration_ms = ?,
                 ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
                 WHERE step_id = ?`;

/** Step retrying: error, due at (ready_at and next_attempt_at), duration, step id. */
export const retryStep = `UPDATE steps SET state = 'retrying', error = ?, ready_at = ?, next_attempt_at = ?, duration_ms = ?,
              locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`;

/** Step failed for good: error, now, duration, step id. */
export const failStep = `UPDATE steps SET state = 'failed', error = ?, completed_at = ?, duration_ms = ?,
              ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
              WHERE step_id = ?`;

/** An attempt handed back uncounted: state (pending or retrying), ready at, next attempt at, step id. */
export const releaseStep = `UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`;

/** History of steps just completed by completeHeld: now, reason, actor, step ids (JSON array, in order). */
export const insertCompletedHistory = `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, 'running', 'completed', ?, ?, s.attempts, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key`;
