-- expiredSteps
SELECT * FROM steps WHERE state = 'running' AND lease_expires_at < ? AND locked_by IS NOT ?
                  ORDER BY lease_expires_at, step_id LIMIT ?;

-- stepsHeldBy
SELECT * FROM steps INDEXED BY steps_running_idx WHERE state = 'running' AND locked_by = ? ORDER BY step_id;

-- workerRow
SELECT worker_id, hostname, pid FROM workers WHERE worker_id = ?;
