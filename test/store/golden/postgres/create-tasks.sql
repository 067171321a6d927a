-- allocateIds (tasker_allocate_ids)
SELECT ARRAY(SELECT nextval((SELECT pg_get_serial_sequence('"tasker".tasks', 'task_id')::regclass)) AS id
                      FROM generate_series(1, $1::integer) ORDER BY id) AS task_ids,
              ARRAY(SELECT nextval((SELECT pg_get_serial_sequence('"tasker".steps', 'step_id')::regclass)) AS id
                      FROM generate_series(1, $2::integer) ORDER BY id) AS step_ids;

-- insertTasks (tasker_insert_tasks)
WITH inserted AS (
       INSERT INTO "tasker".tasks
         (task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
          correlation_id, step_count, open_steps, satisfied_steps, created_at, trace_context, priority, run_at,
          waiting_for, paused) OVERRIDING SYSTEM VALUE
       SELECT u.task_id, u.namespace, u.name, u.version,
              CASE WHEN g.paused OR g.run_at > now() THEN 'pending' ELSE 'running' END, u.context, u.initiator,
              u.source_system, u.reason, ARRAY(SELECT jsonb_array_elements_text(u.tags)), NULL, u.correlation_id,
              u.step_count, u.open_steps, u.satisfied_steps, date_trunc('milliseconds', now()), u.trace_context,
              u.priority, g.run_at, CASE WHEN g.paused THEN 'paused' WHEN g.run_at > now() THEN 'delay' END,
              CASE WHEN g.paused THEN 2 ELSE 0 END
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[],
                     $9::jsonb[], $10::text[], $11::integer[], $12::integer[], $13::integer[], $14::text[],
                     $15::integer[], $16::float8[], $17::float8[])
              WITH ORDINALITY
           AS u(task_id, namespace, name, version, context, initiator, source_system, reason, tags, correlation_id,
                step_count, open_steps, satisfied_steps, trace_context, priority, run_at_ms, delay_ms, ord)
        CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT 1 FROM "tasker".paused_templates p
                          WHERE p.namespace = u.namespace AND p.name IN (u.name, '')) AS paused,
                 CASE WHEN u.run_at_ms IS NOT NULL THEN date_trunc('milliseconds', to_timestamp(u.run_at_ms / 1000))
                      WHEN u.delay_ms IS NOT NULL
                      THEN date_trunc('milliseconds', now()) + u.delay_ms * interval '1 millisecond' END AS run_at
        ) g
        ORDER BY u.ord
       RETURNING task_id, state, waiting_for)
     SELECT task_id, state, waiting_for FROM inserted WHERE state = 'pending';

-- insertStepsOf (tasker_insert_steps_of)
INSERT INTO "tasker".steps
         (step_id, task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable, timeout_ms,
          skippable, ready_at, completed_at, priority) OVERRIDING SYSTEM VALUE
       SELECT u.step_id, u.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state,
              u.unmet, u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN date_trunc('milliseconds', now()) END,
              CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END, u.priority
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::integer[],
                     $8::integer[], $9::boolean[], $10::integer[], $11::boolean[], $12::boolean[], $13::integer[])
              WITH ORDINALITY
           AS u(step_id, task_id, name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms,
                skippable, ready, priority, ord)
        ORDER BY u.ord;
