-- sort task_id asc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY task_id ASC LIMIT ?;

-- sort task_id asc, after a cursor (2 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE task_id > ? ORDER BY task_id ASC LIMIT ?;

-- sort task_id desc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY task_id DESC LIMIT ?;

-- sort task_id desc, after a cursor (2 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE task_id < ? ORDER BY task_id DESC LIMIT ?;

-- sort created_at asc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY created_at ASC, task_id ASC LIMIT ?;

-- sort created_at asc, after a cursor (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (created_at, task_id) > (?, ?) ORDER BY created_at ASC, task_id ASC LIMIT ?;

-- sort created_at desc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- sort created_at desc, after a cursor (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (created_at, task_id) < (?, ?) ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- sort completed_at asc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY COALESCE(completed_at, 9007199254740991) ASC, task_id ASC LIMIT ?;

-- sort completed_at asc, after a cursor (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (COALESCE(completed_at, 9007199254740991), task_id) > (?, ?) ORDER BY COALESCE(completed_at, 9007199254740991) ASC, task_id ASC LIMIT ?;

-- sort completed_at desc (1 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks ORDER BY COALESCE(completed_at, 9007199254740991) DESC, task_id DESC LIMIT ?;

-- sort completed_at desc, after a cursor (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (COALESCE(completed_at, 9007199254740991), task_id) < (?, ?) ORDER BY COALESCE(completed_at, 9007199254740991) DESC, task_id DESC LIMIT ?;

-- every filter (7 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE namespace = ? AND name = ? AND version = ? AND state IN (SELECT value FROM json_each(?)) AND created_at > ? AND created_at < ? ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- tags (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = ?) AND EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = ?) ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- q, text (5 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE ((correlation_id >= ? AND correlation_id < ?) OR (idempotency_key >= ? AND idempotency_key < ?)) ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- q, digits (6 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (task_id = ? OR (correlation_id >= ? AND correlation_id < ?) OR (idempotency_key >= ? AND idempotency_key < ?)) ORDER BY created_at DESC, task_id DESC LIMIT ?;

-- q, no upper bound (3 parameters)
SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused FROM tasks WHERE (correlation_id >= ? OR idempotency_key >= ?) ORDER BY task_id ASC LIMIT ?;
