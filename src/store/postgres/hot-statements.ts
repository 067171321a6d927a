// The hot-path statements of the PostgreSQL store (claim, complete, release children, counters and
// finalisation), each one set-based over arrays so a batch of N steps costs a fixed number of round trips.
import { REASONS } from '../shared/lifecycle-rules.js';
import type { NamedStatement } from './pool.js';
import { ms, NOW, nowPlusMs, type SchemaNames } from './sql.js';

/** Columns of a step row as the shared row mappers expect them, times in epoch ms. */
export function stepColumns(alias: string): string {
  const a = alias;
  return `${a}.step_id, ${a}.task_id, ${a}.name, ${a}.handler_class, ${a}.state, ${a}.depends_on, ${a}.unmet,
    ${a}.attempts, ${a}.retry_limit, ${a}.retryable, ${a}.timeout_ms, ${a}.skippable, ${a}.results, ${a}.error,
    ${ms(`${a}.ready_at`)} AS ready_at,
    CASE WHEN ${a}.state = 'retrying' THEN ${ms(`${a}.ready_at`)} END AS next_attempt_at,
    ${a}.locked_by, ${ms(`${a}.lease_expires_at`)} AS lease_expires_at, ${ms(`${a}.started_at`)} AS started_at,
    ${ms(`${a}.completed_at`)} AS completed_at, ${a}.duration_ms`;
}

/** Columns of a task row for summaries and finalisation reports. */
export function taskColumns(alias: string): string {
  const a = alias;
  return `${a}.task_id, ${a}.namespace, ${a}.name, ${a}.version, ${a}.state, ${a}.initiator, ${a}.source_system,
    ${a}.reason, ${a}.tags, ${a}.idempotency_key, ${a}.correlation_id, ${a}.step_count, ${a}.open_steps,
    ${a}.satisfied_steps, ${ms(`${a}.created_at`)} AS created_at, ${ms(`${a}.started_at`)} AS started_at,
    ${ms(`${a}.completed_at`)} AS completed_at`;
}

/** Milliseconds the current attempt has run, as stored in `duration_ms`. */
function attemptDuration(alias: string): string {
  return `CASE WHEN ${alias}.started_at IS NULL THEN NULL
    ELSE greatest(0, round(extract(epoch from ${NOW} - ${alias}.started_at) * 1000))::integer END`;
}

/**
 * Claim: lock up to $2 claimable steps with SKIP LOCKED (so concurrent claimers never wait on, nor share, a step),
 * move them to running under a lease for worker $1, stamp each task's first start once, write one history row per
 * step. $3 = lease ms; $4 = namespaces (the `ns` variant only).
 */
function claimText(n: SchemaNames, withNamespaces: boolean): string {
  return `
  WITH picked AS (
    SELECT s.step_id, s.state AS from_state, s.ready_at AS was_ready_at
      FROM ${n.steps} s JOIN ${n.tasks} t ON t.task_id = s.task_id
     WHERE s.ready_at <= now() AND t.state = 'running'${withNamespaces ? ' AND t.namespace = ANY($4::text[])' : ''}
     ORDER BY s.ready_at, s.step_id
     LIMIT $2
       FOR NO KEY UPDATE OF s SKIP LOCKED
  ), claimed AS (
    UPDATE ${n.steps} s
       SET state = 'running', attempts = s.attempts + 1, locked_by = $1, lease_expires_at = ${nowPlusMs('$3')},
           started_at = ${NOW}, ready_at = NULL, completed_at = NULL, duration_ms = NULL
      FROM picked p
     WHERE s.step_id = p.step_id
    RETURNING s.step_id, s.task_id, s.name, s.handler_class, s.attempts, s.retry_limit, s.retryable, s.timeout_ms,
              p.from_state, p.was_ready_at
  ), first_claims AS (
    -- tasks this claim starts, locked in id order so two claimers starting the same tasks never deadlock; a task
    -- another claimer started meanwhile drops out when its lock is granted (started_at is re-checked)
    SELECT t.task_id FROM ${n.tasks} t
     WHERE t.task_id IN (SELECT task_id FROM claimed) AND t.started_at IS NULL
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), started AS (
    UPDATE ${n.tasks} t SET started_at = ${NOW} FROM first_claims f WHERE t.task_id = f.task_id
    RETURNING t.task_id
  ), history AS (
    INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT c.task_id, c.step_id, c.from_state, 'running', ${NOW}, '${REASONS.claimed}', c.attempts, $1
      FROM claimed c ORDER BY c.was_ready_at, c.step_id
  )
  SELECT c.step_id, c.task_id, t.namespace, t.name AS task_name, t.version, t.correlation_id, c.name,
         c.handler_class, c.attempts AS attempt, c.retry_limit, c.retryable, c.timeout_ms,
         ${ms(NOW)} AS started_at,
         (st.task_id IS NOT NULL AND row_number() OVER (PARTITION BY c.task_id ORDER BY c.was_ready_at, c.step_id) = 1)
           AS task_started
    FROM claimed c JOIN ${n.tasks} t ON t.task_id = c.task_id LEFT JOIN started st ON st.task_id = c.task_id
   ORDER BY c.was_ready_at, c.step_id`;
}

/**
 * Prune (runtime routing): pending steps named by a completing outcome become skipped, but only when the routing
 * step is still held by worker $5 at that attempt. $1 task ids, $2 names, $3 routing step ids, $4 attempts,
 * $6 input order; the history reason is $7 || routing step name || $8.
 */
function pruneText(n: SchemaNames): string {
  return `
  WITH p AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::integer[], $6::integer[])
      AS p(task_id, name, by_step_id, by_attempt, ord)
  ), target AS (
    SELECT s.step_id, s.unmet, s.attempts, $7::text || by_step.name || $8::text AS reason, p.ord
      FROM p
      JOIN ${n.steps} by_step ON by_step.step_id = p.by_step_id AND by_step.task_id = p.task_id
       AND by_step.state = 'running' AND by_step.locked_by = $5 AND by_step.attempts = p.by_attempt
      JOIN ${n.steps} s ON s.task_id = p.task_id AND s.name = p.name
     WHERE s.state = 'pending'
  ), upd AS (
    UPDATE ${n.steps} s
       SET state = 'skipped', completed_at = ${NOW}, ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
      FROM target
     WHERE s.step_id = target.step_id AND s.state = 'pending'
    RETURNING s.step_id, s.task_id, s.name, target.unmet, target.attempts, target.reason, target.ord
  ), history AS (
    INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, step_id, 'pending', 'skipped', ${NOW}, reason, attempts, $5 FROM upd ORDER BY ord
  )
  SELECT step_id, task_id, name, unmet FROM upd ORDER BY ord`;
}

/**
 * Apply attempt outcomes held by worker $8 (state running, locked_by, same attempt, same task); anything else is
 * left alone and reported stale by omission. $1 step ids, $2 task ids, $3 attempts, $4 kinds, $5 results (jsonb),
 * $6 errors (jsonb), $7 retry delays (ms), $9 input order.
 */
function applyText(n: SchemaNames): string {
  return `
  WITH o AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[],
                         $7::float8[], $9::integer[])
      AS o(step_id, task_id, attempt, kind, results, error, delay_ms, ord)
  ), upd AS (
    UPDATE ${n.steps} s SET
      state = CASE o.kind WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed' WHEN 'retry' THEN 'retrying'
                          ELSE CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END END,
      attempts = CASE WHEN o.kind = 'released' THEN s.attempts - 1 ELSE s.attempts END,
      results = CASE WHEN o.kind = 'completed' THEN o.results ELSE s.results END,
      error = CASE o.kind WHEN 'completed' THEN NULL WHEN 'released' THEN s.error ELSE o.error END,
      ready_at = CASE o.kind WHEN 'retry' THEN ${nowPlusMs('ceil(greatest(o.delay_ms, 0))')}
                             WHEN 'released' THEN ${NOW} ELSE NULL END,
      completed_at = CASE WHEN o.kind IN ('completed', 'failed') THEN ${NOW} ELSE s.completed_at END,
      duration_ms = CASE WHEN o.kind = 'released' THEN s.duration_ms ELSE ${attemptDuration('s')} END,
      locked_by = NULL, lease_expires_at = NULL
    FROM o
    WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = 'running' AND s.locked_by = $8
      AND s.attempts = o.attempt
    RETURNING s.step_id, s.task_id, s.name, s.state, o.kind, o.attempt, o.error, o.ord,
              (s.ready_at IS NOT NULL AND s.ready_at <= now()) AS ready_now
  ), history AS (
    INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT task_id, step_id, 'running', state, ${NOW},
           CASE kind WHEN 'completed' THEN '${REASONS.completed}' WHEN 'retry' THEN '${REASONS.retry}'
                     WHEN 'failed' THEN '${REASONS.failed}' ELSE '${REASONS.released}' END,
           attempt, $8, CASE WHEN kind IN ('retry', 'failed') THEN error END
      FROM upd ORDER BY ord
  )
  SELECT step_id, task_id, name, state, kind, ready_now, ord FROM upd ORDER BY ord`;
}

/**
 * Release children: every step in $1 just reached a satisfying state, so each child's unmet drops by its number
 * of such parents; a pending child reaching 0 becomes claimable now. Returns the children made claimable.
 */
function satisfyChildrenText(n: SchemaNames): string {
  return `
  WITH d AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.edges} e WHERE e.parent_step_id = ANY($1::bigint[])
     GROUP BY e.child_step_id
  ), upd AS (
    UPDATE ${n.steps} s
       SET unmet = s.unmet - d.k,
           ready_at = CASE WHEN s.state = 'pending' AND s.unmet = d.k THEN ${NOW} ELSE s.ready_at END
      FROM d WHERE s.step_id = d.step_id
    RETURNING s.step_id, s.task_id, (s.state = 'pending' AND s.unmet = 0) AS readied
  )
  SELECT step_id, task_id FROM upd WHERE readied`;
}

/**
 * Release children, apply per-task counter deltas and finalise, in one statement. Every step in $6 just reached a
 * satisfying state, so each child's unmet drops by its number of such parents and a pending child reaching 0
 * becomes claimable now (one more open step of its task). Then each running task whose open steps reach 0 is
 * finalised exactly once: the task rows are locked by this UPDATE (and by the caller earlier), so concurrent
 * transactions finishing the same task's last steps serialise here and only one sees it leave `running`.
 * $1 task ids, $2 open deltas, $3 satisfied deltas, $4 actor, $5 input order, $6 satisfied step ids. Returns one
 * row per task with `finalized` and `readied` (children made claimable).
 */
function finalizeText(n: SchemaNames): string {
  const done = `t.state = 'running' AND t.open_steps + d.open_delta = 0`;
  return `
  WITH sat AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.edges} e WHERE e.parent_step_id = ANY($6::bigint[])
     GROUP BY e.child_step_id
  ), children AS (
    UPDATE ${n.steps} s
       SET unmet = s.unmet - sat.k,
           ready_at = CASE WHEN s.state = 'pending' AND s.unmet = sat.k THEN ${NOW} ELSE s.ready_at END
      FROM sat WHERE s.step_id = sat.step_id
    RETURNING s.task_id, (s.state = 'pending' AND s.unmet = 0) AS readied
  ), readied AS (
    SELECT task_id, count(*)::integer AS n FROM children WHERE readied GROUP BY task_id
  ), given AS (
    SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $5::integer[])
      AS g(task_id, open_delta, satisfied_delta, ord)
  ), d AS (
    -- children belong to their parents' tasks, so every readied task is given; the full join is a safety net
    SELECT coalesce(g.task_id, r.task_id) AS task_id, coalesce(g.open_delta, 0) + coalesce(r.n, 0) AS open_delta,
           coalesce(g.satisfied_delta, 0) AS satisfied_delta, coalesce(g.ord, 2147483647) AS ord,
           coalesce(r.n, 0) AS readied
      FROM given g FULL JOIN readied r ON r.task_id = g.task_id
  ), before AS (
    -- the caller locked these rows earlier in the transaction, so this read is current
    SELECT t.task_id, t.state AS old_state FROM ${n.tasks} t WHERE t.task_id IN (SELECT task_id FROM d)
  ), upd AS (
    UPDATE ${n.tasks} t SET
      open_steps = t.open_steps + d.open_delta,
      satisfied_steps = t.satisfied_steps + d.satisfied_delta,
      state = CASE WHEN ${done} THEN
                CASE WHEN t.satisfied_steps + d.satisfied_delta >= t.step_count THEN 'completed' ELSE 'failed' END
              ELSE t.state END,
      completed_at = CASE WHEN ${done} THEN ${NOW} ELSE t.completed_at END
    FROM d JOIN before b ON b.task_id = d.task_id
    WHERE t.task_id = d.task_id
    RETURNING ${taskColumns('t')}, (b.old_state = 'running' AND t.state <> 'running') AS finalized, d.ord, d.readied
  ), history AS (
    INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, 'running', state, ${NOW},
           CASE state WHEN 'completed' THEN '${REASONS.allStepsDone}' ELSE '${REASONS.stepFailed}' END, NULL, $4
      FROM upd WHERE finalized ORDER BY ord, task_id
  )
  SELECT * FROM upd WHERE finalized OR readied > 0 ORDER BY ord, task_id`;
}

export function hotStatements(n: SchemaNames) {
  // Names need only be unique per connection, and each pool serves one schema.
  const named = (name: string, text: string): NamedStatement => ({ name: `tasker_${name}`, text });
  return {
    claim: named('claim', claimText(n, false)),
    claimNs: named('claim_ns', claimText(n, true)),
    prune: named('prune', pruneText(n)),
    apply: named('apply', applyText(n)),
    satisfyChildren: named('satisfy_children', satisfyChildrenText(n)),
    finalize: named('finalize', finalizeText(n)),
    lockTasks: named('lock_tasks', `SELECT task_id, state FROM ${n.tasks} WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR NO KEY UPDATE`),
    notify: named('notify', `SELECT pg_notify($1, '')`),
  };
}

export type HotStatements = ReturnType<typeof hotStatements>;
