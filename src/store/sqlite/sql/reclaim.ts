// reclaimSteps on SQLite: running attempts taken back from workers that went away (an expired lease, or a worker
// known to be gone), read here and changed with complete.ts retryStep / failStep / releaseStep.

/** Running steps whose lease expired before now (first), except those of worker ? (second), oldest first, up to ?. */
export const expiredSteps = `SELECT * FROM steps WHERE state = 'running' AND lease_expires_at < ? AND locked_by IS NOT ?
                  ORDER BY lease_expires_at, step_id LIMIT ?`;

/** A dead worker's steps (rare): a walk of the running-steps index, reading rows only for its entries. */
export const stepsHeldBy =
  "SELECT * FROM steps INDEXED BY steps_running_idx WHERE state = 'running' AND locked_by = ? ORDER BY step_id";

/** Where worker ? runs (its host and process), to tell whether it is alive. */
export const workerRow = 'SELECT worker_id, hostname, pid FROM workers WHERE worker_id = ?';
