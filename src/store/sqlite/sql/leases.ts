// extendLeases on SQLite: the heartbeat of a worker's running steps.

/** Lease expiry, step id, worker: only while that worker still holds the step. */
export const extendLease =
  "UPDATE steps SET lease_expires_at = ? WHERE step_id = ? AND state = 'running' AND locked_by = ?";
