// createTasks for a batch without idempotency keys: ids come from the identity sequences up front, so the tasks,
// steps, edges (create-task.ts, insertEdges) and history rows (transaction.ts, insertHistory) of the whole batch go
// in one set-based statement per table.
import { statement } from './statement.js';

/**
 * $1 task ids and $2 step ids taken from the identity sequences. Row: task_ids, step_ids, each ascending. Each
 * sequence is looked up once per statement (an uncorrelated subquery, run once as an InitPlan), not once per id:
 * `pg_get_serial_sequence` per id was most of the statement (a batch of 500 one-step tasks: 3.0–3.7 → 0.4 ms).
 */
export const allocateIds = statement(
  'allocate_ids',
  (n) => `SELECT ARRAY(SELECT nextval((SELECT pg_get_serial_sequence('${n.q}.tasks', 'task_id')::regclass)) AS id
                      FROM generate_series(1, $1::integer) ORDER BY id) AS task_ids,
              ARRAY(SELECT nextval((SELECT pg_get_serial_sequence('${n.q}.steps', 'step_id')::regclass)) AS id
                      FROM generate_series(1, $2::integer) ORDER BY id) AS step_ids`,
);

/**
 * The task rows with the ids allocated, running, or pending when held (flow control, as create-task.ts: a paused
 * template or namespace, a start in the future): arrays (one entry per task, in order) of $1 task id, $2 namespace,
 * $3 name, $4 version, $5 context (jsonb), $6 initiator, $7 source system, $8 reason, $9 tags (jsonb array),
 * $10 correlation id, $11 step count, $12 open steps, $13 satisfied steps, $14 trace context (text or NULL),
 * $15 priority, $16 run_at (epoch ms) or NULL, $17 delay (ms) or NULL. Rows: only the tasks held back (pending):
 * task_id, state, waiting_for; a task not returned runs (most batches return nothing to decode).
 */
export const insertTasks = statement(
  'insert_tasks',
  (n) => `WITH inserted AS (
       INSERT INTO ${n.q}.tasks
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
          SELECT EXISTS (SELECT 1 FROM ${n.q}.paused_templates p
                          WHERE p.namespace = u.namespace AND p.name IN (u.name, '')) AS paused,
                 CASE WHEN u.run_at_ms IS NOT NULL THEN date_trunc('milliseconds', to_timestamp(u.run_at_ms / 1000))
                      WHEN u.delay_ms IS NOT NULL
                      THEN date_trunc('milliseconds', now()) + u.delay_ms * interval '1 millisecond' END AS run_at
        ) g
        ORDER BY u.ord
       RETURNING task_id, state, waiting_for)
     SELECT task_id, state, waiting_for FROM inserted WHERE state = 'pending'`,
);

/**
 * The step rows of every task of the batch, with the ids allocated: arrays (one entry per step, in plan order) of
 * $1 step id, $2 task id, $3 name, $4 handler class, $5 parent names (jsonb array), $6 state, $7 unmet,
 * $8 retry limit, $9 retryable, $10 timeout, $11 skippable, $12 ready (claimable now: false in a held task),
 * $13 priority.
 */
export const insertStepsOf = statement(
  'insert_steps_of',
  (n) => `INSERT INTO ${n.q}.steps
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
        ORDER BY u.ord`,
);
