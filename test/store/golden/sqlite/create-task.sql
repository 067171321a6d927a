-- findTaskByKey
SELECT task_id FROM tasks WHERE idempotency_key = ?;

-- insertTask

    INSERT INTO tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                       idempotency_key, correlation_id, created_at, step_count, open_steps, satisfied_steps, needs_plan,
                       trace_context, priority, run_at, waiting_for, paused, gates, gate_key, gate)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- pausedFor

    SELECT namespace, name, paused_at, actor, reason FROM paused_templates
     WHERE namespace = ? AND name IN (?, '') ORDER BY name DESC LIMIT 1;

-- insertStep

    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, retry_limit, retryable, timeout_ms,
                       skippable, ready_at, completed_at, priority, gate_key, gate, rate_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertEdge
INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (?, ?);
