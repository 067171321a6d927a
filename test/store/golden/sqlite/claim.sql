-- createCanRunTable
CREATE TEMP TABLE IF NOT EXISTS tasker_can_run (
  worker_id TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (worker_id, namespace, name, version)) WITHOUT ROWID;

-- clearCanRun
DELETE FROM temp.tasker_can_run WHERE worker_id = ?;

-- insertCanRun
INSERT OR IGNORE INTO temp.tasker_can_run (worker_id, namespace, name, version) VALUES (?, ?, ?, ?);

-- claimQuery limit 10

  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, s.ready_at, t.run,
         t.state AS task_state
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND s.rate_key IS NULL
     AND (t.state = 'running' OR t.state = 'pending') ORDER BY s.priority DESC, s.ready_at, s.step_id LIMIT 10;

-- claimQuery limit 10, namespaces

  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, s.ready_at, t.run,
         t.state AS task_state
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND s.rate_key IS NULL
     AND (t.state = 'running' OR t.state = 'pending') AND t.namespace IN (SELECT value FROM json_each(?)) ORDER BY s.priority DESC, s.ready_at, s.step_id LIMIT 10;

-- claimQuery limit 10, templates

  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, s.ready_at, t.run,
         t.state AS task_state
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND s.rate_key IS NULL
     AND (t.state = 'running' OR t.state = 'pending') AND EXISTS (SELECT 1 FROM temp.tasker_can_run c WHERE c.worker_id = ? AND c.namespace = t.namespace
                   AND c.name = t.name AND c.version = t.version) ORDER BY s.priority DESC, s.ready_at, s.step_id LIMIT 10;

-- claimQuery limit 10, namespaces, templates

  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, s.ready_at, t.run,
         t.state AS task_state
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND s.rate_key IS NULL
     AND (t.state = 'running' OR t.state = 'pending') AND t.namespace IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM temp.tasker_can_run c WHERE c.worker_id = ? AND c.namespace = t.namespace
                   AND c.name = t.name AND c.version = t.version) ORDER BY s.priority DESC, s.ready_at, s.step_id LIMIT 10;

-- insertClaimHistory

    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, s.state, 'running', ?, ?, s.attempts + 1, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key;

-- claimStep

    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id = ?;

-- claimSteps

    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id IN (SELECT value FROM json_each(?));

-- markTaskStarted
UPDATE tasks SET started_at = ? WHERE task_id = ? AND started_at IS NULL;

-- startHeldTask
UPDATE tasks SET state = 'running', waiting_for = NULL WHERE task_id = ? AND state = 'pending';

-- markTasksStarted
UPDATE tasks SET started_at = ?
     WHERE task_id IN (SELECT value FROM json_each(?)) AND started_at IS NULL
    RETURNING task_id;
