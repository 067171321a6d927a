// createTask / createTasks on SQLite: the task row, its steps in plan order and their edges, inside the caller's
// IMMEDIATE transaction (history rows: transaction.ts, insertTransition). Positional parameters throughout: named
// binding costs more on every created task.

/** The task an idempotency key (?) names. Row: task_id. */
export const findTaskByKey = 'SELECT task_id FROM tasks WHERE idempotency_key = ?';

/**
 * A task: namespace, name, version, state (running, or pending when held back: flow control), context (JSON),
 * initiator, source system, reason, tags (JSON), idempotency key, correlation id, created at, step count, open
 * steps, satisfied steps, needs plan (0/1), trace context (JSON text or NULL), priority, run_at (or NULL),
 * waiting_for (or NULL), pause bits, whether it or a step has a concurrency limit (0/1), its slot group (or NULL),
 * its gate (NULL, or 0 no slot, 1 queued for one).
 */
export const insertTask = `
    INSERT INTO tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                       idempotency_key, correlation_id, created_at, step_count, open_steps, satisfied_steps, needs_plan,
                       trace_context, priority, run_at, waiting_for, paused, gates, gate_key, gate)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The pause holding new tasks of namespace ?, template ?: the template's own, else its namespace's, or none. */
export const pausedFor = `
    SELECT namespace, name, paused_at, actor, reason FROM paused_templates
     WHERE namespace = ? AND name IN (?, '') ORDER BY name DESC LIMIT 1`;

/**
 * A step: task id, name, handler class, state, parent names (JSON), unmet, retry limit, retryable, timeout,
 * skippable, ready at (NULL unless claimable), completed at (skipped steps), priority (its task's), its slot group
 * (a step concurrency limit, or NULL), its gate (NULL, or 0: no slot yet), its rate-limit bucket (or NULL).
 */
export const insertStep = `
    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, retry_limit, retryable, timeout_ms,
                       skippable, ready_at, completed_at, priority, gate_key, gate, rate_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** An edge: parent step id, child step id. */
export const insertEdge = 'INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (?, ?)';
