// createTask: a task with steps to run is created by one statement (createTaskAtOnce); a task whose steps are all
// skipped, or one waiting for its planning hook, goes statement by statement in one transaction (insertTask, then
// setNeedsPlan, insertSteps, insertEdges). `ON CONFLICT (idempotency_key) DO NOTHING` decides, race-free across
// processes, whether the call creates the task; findTaskByKey then reads the one that exists.
// Task columns, $1-$13 in both insertTask and createTaskAtOnce: namespace, name, version, context (jsonb),
// initiator, source system, reason, tags (text[]), idempotency key, correlation id, step count, open steps,
// satisfied steps; the trace context (text or NULL) is $14 in insertTask and $28 in createTaskAtOnce.
// Flow control (below): the task is created `pending` and held — its ready steps not claimable — when its
// template or namespace is paused (paused_templates, read in the same statement: a pause locks that table first, so
// no creation that missed it commits after it) or when its start lies in the future (run_at, or the store clock plus
// the delay); the priority goes to the task and its steps.
import { statement } from './statement.js';

/**
 * The task row, running from the start (or pending when held, see the header), and its first history row (actor: the
 * initiator, $5), unless its idempotency key exists. $15 priority, $16 run_at (epoch ms) or NULL, $17 delay (ms) or
 * NULL; concurrency limits: $18 the task's slot group or NULL (the task then starts pending, queued for a slot, unless
 * held otherwise), $19 whether the task or one of its steps has a limit. Row: task_id, state (running, or pending
 * when held), or none on a key conflict.
 */
export const insertTask = statement(
  'insert_task',
  (n) => `WITH g AS (
    -- a task with nothing to run (open steps $12 = 0) is never held: it finalises at once
    SELECT x.paused AND $12::integer > 0 AS paused, x.run_at, x.run_at > now() AND $12::integer > 0 AS delayed,
           $18::text IS NOT NULL AND $12::integer > 0 AS gated
      FROM (SELECT EXISTS (SELECT 1 FROM ${n.q}.paused_templates p
                            WHERE p.namespace = $1 AND p.name IN ($2, '')) AS paused,
                   CASE WHEN $16::float8 IS NOT NULL THEN date_trunc('milliseconds', to_timestamp($16::float8 / 1000))
                        WHEN $17::float8 IS NOT NULL
                        THEN date_trunc('milliseconds', now()) + $17::float8 * interval '1 millisecond' END AS run_at) x
  ), t AS (
    INSERT INTO ${n.q}.tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                            idempotency_key, correlation_id, step_count, open_steps, satisfied_steps, created_at,
                            trace_context, priority, run_at, waiting_for, paused, gates, gate_key, gate)
    SELECT $1, $2, $3, CASE WHEN g.paused OR g.delayed OR g.gated THEN 'pending' ELSE 'running' END, $4::jsonb, $5,
           $6, $7, $8::text[], $9, $10, $11, $12, $13, date_trunc('milliseconds', now()), $14::text, $15::integer,
           g.run_at, CASE WHEN g.paused THEN 'paused' WHEN g.delayed THEN 'delay' WHEN g.gated THEN 'concurrency' END,
           CASE WHEN g.paused THEN 2 ELSE 0 END, $19::boolean, $18::text,
           CASE WHEN g.gated THEN CASE WHEN g.paused OR g.delayed THEN 0 ELSE 1 END END
      FROM g
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING task_id, state, waiting_for
  ), h AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT task_id, NULL, 'pending', state, date_trunc('milliseconds', now()),
           CASE waiting_for WHEN 'paused' THEN 'submitted while its template or namespace is paused'
           WHEN 'delay' THEN 'submitted with a delayed start'
           WHEN 'concurrency' THEN 'submitted; it waits for a concurrency slot' ELSE 'submitted' END, NULL, $5, NULL
      FROM t
  )
  SELECT task_id, state FROM t`,
);

/**
 * The whole creation of a task with open steps: the task (unless its idempotency key exists), its history row, its
 * steps in plan order, their edges (joined by name), the skipped steps' history rows and one NOTIFY (none when the
 * task is held: its ready steps are not claimable, see the header).
 * $1-$13 task columns; $14-$24 step arrays in plan order: name, handler class, parent names (jsonb array), state,
 * unmet, retry limit, retryable, timeout, skippable, ready, skip reason; $25/$26 edge parent/child names; $27 the
 * NOTIFY channel; $28 the trace context; $29 the priority; $30 run_at (epoch ms) or NULL; $31 delay (ms) or NULL.
 * Row: task_id, woken; none on a key conflict.
 */
export const createTaskAtOnce = statement(
  'create_task_at_once',
  (n) => `
  WITH g AS (
    SELECT EXISTS (SELECT 1 FROM ${n.q}.paused_templates p WHERE p.namespace = $1 AND p.name IN ($2, '')) AS paused,
           CASE WHEN $30::float8 IS NOT NULL THEN date_trunc('milliseconds', to_timestamp($30::float8 / 1000))
                WHEN $31::float8 IS NOT NULL
                THEN date_trunc('milliseconds', now()) + $31::float8 * interval '1 millisecond' END AS run_at
  ), t AS (
    INSERT INTO ${n.q}.tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                            idempotency_key, correlation_id, step_count, open_steps, satisfied_steps, created_at,
                            trace_context, priority, run_at, waiting_for, paused)
    SELECT $1, $2, $3, CASE WHEN g.paused OR g.run_at > now() THEN 'pending' ELSE 'running' END, $4::jsonb, $5, $6,
           $7, $8::text[], $9, $10, $11, $12, $13, date_trunc('milliseconds', now()), $28::text, $29::integer,
           g.run_at, CASE WHEN g.paused THEN 'paused' WHEN g.run_at > now() THEN 'delay' END,
           CASE WHEN g.paused THEN 2 ELSE 0 END
      FROM g
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING task_id, state, waiting_for
  ), u AS (
    SELECT * FROM unnest($14::text[], $15::text[], $16::jsonb[], $17::text[], $18::integer[], $19::integer[],
                         $20::boolean[], $21::integer[], $22::boolean[], $23::boolean[], $24::text[]) WITH ORDINALITY
      AS u(name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms, skippable, ready, skip_reason,
           ord)
  ), s AS (
    INSERT INTO ${n.q}.steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                            timeout_ms, skippable, ready_at, completed_at, priority)
    SELECT t.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
           u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
           CASE WHEN u.ready AND t.state = 'running' THEN date_trunc('milliseconds', now()) END,
           CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END, $29::integer
      FROM t CROSS JOIN u
     ORDER BY u.ord
    RETURNING task_id, step_id, name, state
  ), e AS (
    INSERT INTO ${n.q}.step_edges (parent_step_id, child_step_id)
    SELECT p.step_id, c.step_id
      FROM unnest($25::text[], $26::text[]) AS x(parent, child)
      JOIN s p ON p.name = x.parent JOIN s c ON c.name = x.child
  ), h AS (
    -- one INSERT, so the task's row comes first and the skipped steps' follow in plan order
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT x.task_id, x.step_id, 'pending', x.to_state, date_trunc('milliseconds', now()), x.reason, x.attempt, $5
      FROM (SELECT t.task_id, NULL::bigint AS step_id, t.state AS to_state,
                   CASE t.waiting_for WHEN 'paused' THEN 'submitted while its template or namespace is paused'
                   WHEN 'delay' THEN 'submitted with a delayed start' ELSE 'submitted' END AS reason,
                   NULL::integer AS attempt, 0::bigint AS ord
              FROM t
            UNION ALL
            SELECT s.task_id, s.step_id, 'skipped', u.skip_reason, 0, u.ord
              FROM s JOIN u ON u.name = s.name
             WHERE s.state = 'skipped') x
     ORDER BY x.ord
  ), wake AS (
    SELECT pg_notify($27, '') FROM t WHERE t.state = 'running'
  )
  SELECT t.task_id, (SELECT count(*) FROM wake) AS woken FROM t`,
);

/** Mark task $1 as waiting for its planning hook (created by a submitter without the handlers). */
export const setNeedsPlan = statement(
  'set_needs_plan',
  (n) => `UPDATE ${n.q}.tasks SET needs_plan = true WHERE task_id = $1`,
);

/** The task idempotency key $1 names. Row: task_id. */
export const findTaskByKey = statement(
  'find_task_by_key',
  (n) => `SELECT task_id FROM ${n.q}.tasks WHERE idempotency_key = $1`,
);

/**
 * The steps of new task $1 in plan order (so step ids follow it): $2-$11 arrays of name, handler class, parent names
 * (jsonb array), state, unmet, retry limit, retryable, timeout, skippable, ready (claimable now: false for every step
 * of a held task); $12 the task's priority; $13 each step's slot group (a step concurrency limit) or NULL; $14 each
 * step's rate-limit bucket or NULL.
 * Rows: step_id, name.
 */
export const insertSteps = statement(
  'insert_steps',
  (n) => `INSERT INTO ${n.q}.steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                               timeout_ms, skippable, ready_at, completed_at, priority, gate_key, gate, rate_key)
       SELECT $1, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
              u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN date_trunc('milliseconds', now()) END,
              CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END, $12::integer, u.gate_key,
              CASE WHEN u.gate_key IS NOT NULL THEN 0 END, u.rate_key
         FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::integer[], $7::integer[], $8::boolean[],
                     $9::integer[], $10::boolean[], $11::boolean[], $13::text[], $14::text[]) WITH ORDINALITY
           AS u(name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms, skippable, ready, gate_key,
                rate_key, ord)
        ORDER BY u.ord
       RETURNING step_id, name`,
);

/** Edges between steps just inserted: $1 parent step ids, $2 child step ids. */
export const insertEdges = statement(
  'insert_edges',
  (n) =>
    `INSERT INTO ${n.q}.step_edges (parent_step_id, child_step_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
);

/**
 * The slot groups of a new task with concurrency limits, created or given the newest limit, locked in the order
 * given (the task's group first, then its steps' in key order): $1 keys, $2 limits.
 */
export const upsertGroups = statement(
  'upsert_groups',
  (n) => `INSERT INTO ${n.q}.concurrency_groups (group_key, max_running)
       SELECT u.k, u.l FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS u(k, l, ord) ORDER BY u.ord
       ON CONFLICT (group_key) DO UPDATE SET max_running = EXCLUDED.max_running`,
);

/**
 * Bring the concurrency slots and queues of tasks $1 (bigint[]) in line with their states (reconcile_gates_v1,
 * migration 10; it returns at once for tasks without limits), history rows by actor $2. Row: ready (steps made
 * claimable).
 */
export const reconcileGates = statement(
  'reconcile_gates',
  (n) => `SELECT ${n.q}.reconcile_gates_v1($1::bigint[], $2::text) AS ready`,
);
