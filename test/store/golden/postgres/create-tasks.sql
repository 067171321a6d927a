-- allocateIds (tasker_allocate_ids)
SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('"tasker".tasks', 'task_id')) AS id
                      FROM generate_series(1, $1::integer) ORDER BY id) AS task_ids,
              ARRAY(SELECT nextval(pg_get_serial_sequence('"tasker".steps', 'step_id')) AS id
                      FROM generate_series(1, $2::integer) ORDER BY id) AS step_ids;

-- insertTasks (tasker_insert_tasks)
INSERT INTO "tasker".tasks
         (task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
          correlation_id, step_count, open_steps, satisfied_steps, created_at, trace_context) OVERRIDING SYSTEM VALUE
       SELECT u.task_id, u.namespace, u.name, u.version, 'running', u.context, u.initiator, u.source_system, u.reason,
              ARRAY(SELECT jsonb_array_elements_text(u.tags)), NULL, u.correlation_id, u.step_count, u.open_steps,
              u.satisfied_steps, date_trunc('milliseconds', now()), u.trace_context
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[],
                     $9::jsonb[], $10::text[], $11::integer[], $12::integer[], $13::integer[], $14::text[])
              WITH ORDINALITY
           AS u(task_id, namespace, name, version, context, initiator, source_system, reason, tags, correlation_id,
                step_count, open_steps, satisfied_steps, trace_context, ord)
        ORDER BY u.ord;

-- insertStepsOf (tasker_insert_steps_of)
INSERT INTO "tasker".steps
         (step_id, task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable, timeout_ms,
          skippable, ready_at, completed_at) OVERRIDING SYSTEM VALUE
       SELECT u.step_id, u.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state,
              u.unmet, u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN date_trunc('milliseconds', now()) END,
              CASE WHEN u.state = 'skipped' THEN date_trunc('milliseconds', now()) END
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::integer[],
                     $8::integer[], $9::boolean[], $10::integer[], $11::boolean[], $12::boolean[]) WITH ORDINALITY
           AS u(step_id, task_id, name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms,
                skippable, ready, ord)
        ORDER BY u.ord;
