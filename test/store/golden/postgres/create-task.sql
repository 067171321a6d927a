-- insertTask (tasker_insert_task)
WITH g AS (
    -- a task with nothing to run (open steps $12 = 0) is never held: it finalises at once
    SELECT x.paused AND $12::integer > 0 AS paused, x.run_at, x.run_at > now() AND $12::integer > 0 AS delayed,
           $18::text IS NOT NULL AND $12::integer > 0 AS gated
      FROM (SELECT EXISTS (SELECT 1 FROM "tasker".paused_templates p
                            WHERE p.namespace = $1 AND p.name IN ($2, '')) AS paused,
                   CASE WHEN $16::float8 IS NOT NULL THEN date_trunc('milliseconds', to_timestamp($16::float8 / 1000))
                        WHEN $17::float8 IS NOT NULL
                        THEN date_trunc('milliseconds', now()) + $17::float8 * interval '1 millisecond' END AS run_at) x
  ), t AS (
    INSERT INTO "tasker".tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
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
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT task_id, NULL, 'pending', state, date_trunc('milliseconds', now()),
           CASE waiting_for WHEN 'paused' THEN 'submitted while its template or namespace is paused'
           WHEN 'delay' THEN 'submitted with a delayed start'
           WHEN 'concurrency' THEN 'submitted; it waits for a concurrency slot' ELSE 'submitted' END, NULL, $5, NULL
      FROM t
  )
  SELECT task_id, state FROM t;

-- createTaskAtOnce (tasker_create_task_at_once)

  WITH g AS (
    SELECT EXISTS (SELECT 1 FROM "tasker".paused_templates p WHERE p.namespace = $1 AND p.name IN ($2, '')) AS paused,
           CASE WHEN $30::float8 IS NOT NULL THEN date_trunc('milliseconds', to_timestamp($30::float8 / 1000))
                WHEN $31::float8 IS NOT NULL
                THEN date_trunc('milliseconds', now()) + $31::float8 * interval '1 millisecond' END AS run_at
  ), t AS (
    INSERT INTO "tasker".tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
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
    INSERT INTO "tasker".steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                            timeout_ms, skippable, ready_at, completed_at, priority)
    SELECT t.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
           u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
           CASE WHEN u.ready AND t.state = 'running' THEN date_trunc('milliseconds', now()) END,
           CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END, $29::integer
      FROM t CROSS JOIN u
     ORDER BY u.ord
    RETURNING task_id, step_id, name, state
  ), e AS (
    INSERT INTO "tasker".step_edges (parent_step_id, child_step_id)
    SELECT p.step_id, c.step_id
      FROM unnest($25::text[], $26::text[]) AS x(parent, child)
      JOIN s p ON p.name = x.parent JOIN s c ON c.name = x.child
  ), h AS (
    -- one INSERT, so the task's row comes first and the skipped steps' follow in plan order
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
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
  SELECT t.task_id, (SELECT count(*) FROM wake) AS woken FROM t;

-- setNeedsPlan (tasker_set_needs_plan)
UPDATE "tasker".tasks SET needs_plan = true WHERE task_id = $1;

-- findTaskByKey (tasker_find_task_by_key)
SELECT task_id FROM "tasker".tasks WHERE idempotency_key = $1;

-- insertSteps (tasker_insert_steps)
INSERT INTO "tasker".steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
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
       RETURNING step_id, name;

-- insertEdges (tasker_insert_edges)
INSERT INTO "tasker".step_edges (parent_step_id, child_step_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]);

-- upsertGroups (tasker_upsert_groups)
INSERT INTO "tasker".concurrency_groups (group_key, max_running)
       SELECT u.k, u.l FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS u(k, l, ord) ORDER BY u.ord
       ON CONFLICT (group_key) DO UPDATE SET max_running = EXCLUDED.max_running;

-- reconcileGates (tasker_reconcile_gates)
SELECT "tasker".reconcile_gates_v1($1::bigint[], $2::text) AS ready;
