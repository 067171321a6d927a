-- completeHeld
UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?,
                 duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE max(0, ? - started_at) END,
                 ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
                 WHERE step_id = ? AND task_id = ? AND state = 'running' AND locked_by = ? AND attempts = ?;

-- completeStep
UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?, duration_ms = ?,
                 ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
                 WHERE step_id = ?;

-- retryStep
UPDATE steps SET state = 'retrying', error = ?, ready_at = ?, next_attempt_at = ?, duration_ms = ?,
              locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?;

-- failStep
UPDATE steps SET state = 'failed', error = ?, completed_at = ?, duration_ms = ?,
              ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
              WHERE step_id = ?;

-- releaseStep
UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?;

-- insertCompletedHistory

    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, 'running', 'completed', ?, ?, s.attempts, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key;
