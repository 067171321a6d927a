// Statements of the PostgreSQL store's less frequent writes: task creation, history batches, lease extension
// and reclaim, cancellation, operator actions and the workers table. Multi-row writes take arrays (unnest).
import type { NamedStatement } from './pool.js';
import { ms, NOW, nowPlusMs, type SchemaNames } from './sql.js';
import { REASONS } from '../shared/lifecycle-rules.js';

const CLEAR_HOLD = 'ready_at = NULL, locked_by = NULL, lease_expires_at = NULL';

/**
 * The task row of a new task, running from the start, unless its idempotency key exists ($1-$13 as taskParams in
 * create-task.ts); returns its task_id. Used by insertTask and by the one-statement create.
 */
export function insertTaskText(n: SchemaNames): string {
  return `
    INSERT INTO ${n.tasks} (namespace, name, version, state, context, initiator, source_system, reason, tags,
                            idempotency_key, correlation_id, step_count, open_steps, satisfied_steps, created_at)
    VALUES ($1, $2, $3, 'running', $4::jsonb, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13, ${NOW})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING task_id`;
}

export function writeStatements(n: SchemaNames) {
  // Names need only be unique per connection, and each pool serves one schema.
  const named = (name: string, text: string): NamedStatement => ({ name: `tasker_${name}`, text });
  return {
    insertTask: named(
      'insert_task',
      // The task's pending -> running history row (actor = initiator) is written by the same statement.
      `WITH t AS (${insertTaskText(n)}), h AS (
         INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
         SELECT task_id, NULL, 'pending', 'running', ${NOW}, '${REASONS.submitted}', NULL, $5, NULL FROM t
       )
       SELECT task_id FROM t`,
    ),
    markPlanned: named('mark_planned', `UPDATE ${n.tasks} SET needs_plan = false WHERE task_id = $1`),
    /** The planning hook's settings ($2-$5 arrays by step name) for steps of task $1 that have not run. */
    planSteps: named(
      'plan_steps',
      `UPDATE ${n.steps} s SET retry_limit = p.retry_limit, retryable = p.retryable, timeout_ms = p.timeout_ms
         FROM unnest($2::text[], $3::integer[], $4::boolean[], $5::integer[]) AS p(name, retry_limit, retryable, timeout_ms)
        WHERE s.task_id = $1 AND s.name = p.name AND s.state IN ('pending', 'running')`,
    ),
    /** Hand back steps of task $3 that worker $4 holds at the given attempts ($1 ids, $2 attempts), uncounted. */
    releaseHeld: named(
      'release_held',
      `WITH r AS (SELECT * FROM unnest($1::bigint[], $2::integer[]) AS r(step_id, attempt))
       UPDATE ${n.steps} s SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END,
              attempts = s.attempts - 1, ready_at = ${NOW}, locked_by = NULL, lease_expires_at = NULL
         FROM r
        WHERE s.step_id = r.step_id AND s.task_id = $3 AND s.state = 'running' AND s.locked_by = $4
          AND s.attempts = r.attempt
       RETURNING s.step_id, s.state, s.attempts`,
    ),
    setNeedsPlan: named('set_needs_plan', `UPDATE ${n.tasks} SET needs_plan = true WHERE task_id = $1`),
    findTaskByKey: named('find_task_by_key', `SELECT task_id FROM ${n.tasks} WHERE idempotency_key = $1`),
    /** Steps of a new task in plan order (so step ids follow it); depends_on arrives as JSON arrays. */
    insertSteps: named(
      'insert_steps',
      `INSERT INTO ${n.steps} (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                               timeout_ms, skippable, ready_at, completed_at)
       SELECT $1, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state, u.unmet,
              u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN ${NOW} END, CASE WHEN u.state = 'skipped' THEN ${NOW} END
         FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::text[], $6::integer[], $7::integer[], $8::boolean[],
                     $9::integer[], $10::boolean[], $11::boolean[]) WITH ORDINALITY
           AS u(name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms, skippable, ready, ord)
        ORDER BY u.ord
       RETURNING step_id, name`,
    ),
    insertEdges: named(
      'insert_edges',
      `INSERT INTO ${n.edges} (parent_step_id, child_step_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
    ),
    /** History rows in the given order, all at the transaction's time. */
    insertHistory: named(
      'insert_history',
      `INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
       SELECT h.task_id, h.step_id, h.from_state, h.to_state, ${NOW}, h.reason, h.attempt, h.actor, h.error
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
                     $8::jsonb[]) WITH ORDINALITY
           AS h(task_id, step_id, from_state, to_state, reason, attempt, actor, error, ord)
        ORDER BY h.ord`,
    ),
    taskForUpdate: named(
      'task_for_update',
      `SELECT task_id, state, open_steps, satisfied_steps, step_count, needs_plan FROM ${n.tasks}
        WHERE task_id = $1 FOR NO KEY UPDATE`,
    ),
    setTaskState: named(
      'set_task_state',
      `UPDATE ${n.tasks} SET state = $2, completed_at = CASE WHEN $3::boolean THEN ${NOW} END WHERE task_id = $1`,
    ),
    cancelTask: named(
      'cancel_task',
      `UPDATE ${n.tasks} SET state = 'cancelled', open_steps = 0, completed_at = ${NOW} WHERE task_id = $1`,
    ),
    /** Steps of a task in the given states, locked (the latest committed version is returned). */
    stepsOfTaskForUpdate: named(
      'steps_of_task_for_update',
      `SELECT step_id, task_id, name, state, unmet, attempts FROM ${n.steps}
        WHERE task_id = $1 AND state = ANY($2::text[]) ORDER BY step_id FOR NO KEY UPDATE`,
    ),
    stepForUpdate: named(
      'step_for_update',
      `SELECT step_id, task_id, name, state, unmet, attempts FROM ${n.steps} WHERE step_id = $1 FOR NO KEY UPDATE`,
    ),
    cancelSteps: named(
      'cancel_steps',
      `UPDATE ${n.steps} SET state = 'cancelled', completed_at = ${NOW}, ${CLEAR_HOLD}
        WHERE step_id = ANY($1::bigint[])`,
    ),
    /** failed -> pending with a fresh attempt budget; claimable now when no parent is unmet. */
    reopenSteps: named(
      'reopen_steps',
      `UPDATE ${n.steps} SET state = 'pending', attempts = 0, ready_at = CASE WHEN unmet = 0 THEN ${NOW} END,
              completed_at = NULL, duration_ms = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = ANY($1::bigint[])`,
    ),
    /** skipped / resolved_manually by an operator; $3 = results (resolve) or NULL (skip). */
    settleStep: named(
      'settle_step',
      `UPDATE ${n.steps} SET state = $2, results = $3::jsonb, completed_at = ${NOW}, ${CLEAR_HOLD}
        WHERE step_id = $1`,
    ),
    extendLeases: named(
      'extend_leases',
      `WITH held AS (
         SELECT step_id FROM ${n.steps}
          WHERE step_id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2
          ORDER BY step_id FOR NO KEY UPDATE
       )
       UPDATE ${n.steps} s SET lease_expires_at = ${nowPlusMs('ceil($3::float8)')}
         FROM held WHERE s.step_id = held.step_id
       RETURNING s.step_id`,
    ),
    /**
     * Expired leases except those of $2 (the caller), with whether the holder is alive: it holds its presence lock
     * (presence.ts) on a session of this database, so its lease lapsed only because it could not write.
     */
    expiredCandidates: named(
      'expired_candidates',
      `SELECT s.step_id, s.task_id, s.name, s.attempts, s.retry_limit, s.retryable, s.locked_by,
              EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                         AND l.classid = hashtext($3)::oid AND l.objid = hashtext(s.locked_by)::oid) AS holder_alive
         FROM ${n.steps} s
        WHERE s.state = 'running' AND s.lease_expires_at < now() AND s.locked_by IS DISTINCT FROM $2
        ORDER BY s.lease_expires_at, s.step_id LIMIT $1`,
    ),
    heldByCandidates: named(
      'held_by_candidates',
      `SELECT step_id, task_id, name, attempts, retry_limit, retryable, locked_by FROM ${n.steps}
        WHERE state = 'running' AND locked_by = ANY($1::text[])
        ORDER BY array_position($1::text[], locked_by), step_id`,
    ),
    /**
     * Take attempts back: only rows still running under the same holder and attempt (and, for `expired`, still
     * past their lease) change. $1 ids, $2 holders, $3 attempts, $4 targets, $5 errors, $6 reasons, $7 expired only.
     * Target `release` hands the attempt back uncounted (pending, or retrying after earlier attempts), keeping the
     * step's last error; `retrying` / `failed` count it.
     */
    reclaimApply: named(
      'reclaim_apply',
      `WITH r AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::jsonb[], $6::text[])
           WITH ORDINALITY AS r(step_id, locked_by, attempt, target, error, reason, ord)
       ), upd AS (
         UPDATE ${n.steps} s SET
           state = CASE WHEN r.target <> 'release' THEN r.target WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END,
           attempts = CASE WHEN r.target = 'release' THEN s.attempts - 1 ELSE s.attempts END,
           error = CASE WHEN r.target = 'release' THEN s.error ELSE r.error END,
           locked_by = NULL, lease_expires_at = NULL,
           ready_at = CASE WHEN r.target IN ('retrying', 'release') THEN ${NOW} END,
           completed_at = CASE WHEN r.target = 'failed' THEN ${NOW} ELSE s.completed_at END,
           duration_ms = CASE WHEN r.target = 'release' THEN s.duration_ms WHEN s.started_at IS NULL THEN NULL
                         ELSE greatest(0, round(extract(epoch from ${NOW} - s.started_at) * 1000))::integer END
         FROM r
         WHERE s.step_id = r.step_id AND s.state = 'running' AND s.locked_by = r.locked_by AND s.attempts = r.attempt
           AND (NOT $7::boolean OR s.lease_expires_at < now())
         RETURNING s.step_id, s.task_id, s.name, s.state, r.target, r.attempt, r.locked_by, r.error, r.reason, r.ord
       ), history AS (
         INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
         SELECT task_id, step_id, 'running', state, ${NOW}, reason, attempt, $8,
                CASE WHEN target = 'release' THEN NULL ELSE error END
           FROM upd ORDER BY ord
       )
       SELECT step_id, task_id, name, state, target, attempt, locked_by FROM upd ORDER BY ord`,
    ),
    insertAnnotation: named(
      'insert_annotation',
      `INSERT INTO ${n.annotations} (task_id, annotation_type, content, created_at)
       SELECT task_id, $2, $3::jsonb, ${NOW} FROM ${n.tasks} WHERE task_id = $1
       RETURNING annotation_id`,
    ),
    upsertWorker: named(
      'upsert_worker',
      `INSERT INTO ${n.workers} (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at, last_seen_at)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6::integer, ${NOW}, ${NOW})
       ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
         namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
         started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`,
    ),
    touchWorker: named('touch_worker', `UPDATE ${n.workers} SET last_seen_at = ${NOW} WHERE worker_id = $1`),
    touchWorkerCapabilities: named(
      'touch_worker_capabilities',
      `UPDATE ${n.workers} SET last_seen_at = ${NOW}, capabilities = $2::text[] WHERE worker_id = $1`,
    ),
    removeWorker: named('remove_worker', `DELETE FROM ${n.workers} WHERE worker_id = $1`),
    listWorkers: named(
      'list_workers',
      `SELECT worker_id, hostname, pid, namespaces, capabilities, lease_ms, ${ms('started_at')} AS started_at,
              ${ms('last_seen_at')} AS last_seen_at
         FROM ${n.workers} ORDER BY started_at, worker_id`,
    ),
  };
}

export type WriteStatements = ReturnType<typeof writeStatements>;
