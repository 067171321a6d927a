-- insertTask (tasker_insert_task)
WITH t AS (
    INSERT INTO "tasker".tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                            idempotency_key, correlation_id, step_count, open_steps, satisfied_steps, created_at,
                            trace_context)
    VALUES ($1, $2, $3, 'running', $4::jsonb, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13,
            date_trunc('milliseconds', now()), $14::text)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING task_id
  ), h AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT task_id, NULL, 'pending', 'running', date_trunc('milliseconds', now()), 'submitted', NULL, $5, NULL FROM t
  )
  SELECT task_id FROM t;

-- createTaskAtOnce (tasker_create_task_at_once)

  WITH t AS (
    INSERT INTO "tasker".tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                            idempotency_key, correlation_id, step_count, open_steps, satisfied_steps, created_at,
                            trace_context)
    VALUES ($1, $2, $3, 'running', $4::jsonb, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13,
            date_trunc('milliseconds', now()), $28::text)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING task_id
  ), u AS (
    SELECT * FROM unnest($14::text[], $15::text[], $16::jsonb[], $17::text[], $18::integer[], $19::integer[],
                         $20::boolean[], $21::integer[], $22::boolean[], $23::boolean[], $24::text[]) WITH ORDINALITY
      AS u(name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms, skippable, ready, skip_reason,
           ord)
  ), s AS (
    INSERT INTO "tasker".steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                            timeout_ms, skippable, ready_at, completed_at)
    SELECT t.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
           u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
           CASE WHEN u.ready THEN date_trunc('milliseconds', now()) END,
           CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END
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
      FROM (SELECT t.task_id, NULL::bigint AS step_id, 'running' AS to_state, 'submitted' AS reason,
                   NULL::integer AS attempt, 0::bigint AS ord
              FROM t
            UNION ALL
            SELECT s.task_id, s.step_id, 'skipped', u.skip_reason, 0, u.ord
              FROM s JOIN u ON u.name = s.name
             WHERE s.state = 'skipped') x
     ORDER BY x.ord
  ), wake AS (
    SELECT pg_notify($27, '') FROM t
  )
  SELECT t.task_id, (SELECT count(*) FROM wake) AS woken FROM t;

-- setNeedsPlan (tasker_set_needs_plan)
UPDATE "tasker".tasks SET needs_plan = true WHERE task_id = $1;

-- findTaskByKey (tasker_find_task_by_key)
SELECT task_id FROM "tasker".tasks WHERE idempotency_key = $1;

-- insertSteps (tasker_insert_steps)
INSERT INTO "tasker".steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                               timeout_ms, skippable, ready_at, completed_at)
       SELECT $1, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
              u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN date_trunc('milliseconds', now()) END,
              CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END
         FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::integer[], $7::integer[], $8::boolean[],
                     $9::integer[], $10::boolean[], $11::boolean[]) WITH ORDINALITY
           AS u(name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms, skippable, ready, ord)
        ORDER BY u.ord
       RETURNING step_id, name;

-- insertEdges (tasker_insert_edges)
INSERT INTO "tasker".step_edges (parent_step_id, child_step_id) SELECT * FROM unnest($1::bigint[], $2::bigint[]);
