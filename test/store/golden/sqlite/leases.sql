-- extendLease
UPDATE steps SET lease_expires_at = ? WHERE step_id = ? AND state = 'running' AND locked_by = ?;
