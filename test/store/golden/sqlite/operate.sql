-- step
SELECT * FROM steps WHERE step_id = ?;

-- stepsOfTaskIn
SELECT * FROM steps WHERE task_id = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY step_id;

-- closeStep
UPDATE steps SET state = ?, results = ?, completed_at = ?,
              ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
              WHERE step_id = ?;

-- reopenStep
UPDATE steps SET state = 'pending', attempts = 0, ready_at = ?, next_attempt_at = NULL,
                completed_at = NULL, duration_ms = NULL WHERE step_id = ?;
