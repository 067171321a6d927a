-- findTaskByKey
SELECT task_id FROM tasks WHERE idempotency_key = ?;

-- insertTask

    INSERT INTO tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                       idempotency_key, correlation_id, created_at, step_count, open_steps, satisfied_steps, needs_plan,
                       trace_context)
    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertStep

    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, retry_limit, retryable, timeout_ms,
                       skippable, ready_at, completed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertEdge
INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (?, ?);
