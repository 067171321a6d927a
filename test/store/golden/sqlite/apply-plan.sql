-- markPlanned
UPDATE tasks SET needs_plan = 0 WHERE task_id = ? AND needs_plan = 1;

-- planStep
UPDATE steps SET retry_limit = ?, retryable = ?, timeout_ms = ? WHERE task_id = ? AND name = ?
               AND (state = 'pending' OR state = 'running');
