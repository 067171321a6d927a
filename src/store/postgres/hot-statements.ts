// The hot-path statements of the PostgreSQL store (claim, release children, counters and finalisation), each one
// set-based over arrays so a batch of N steps costs a fixed number of round trips. Claim and finalisation are built
// from argument expressions, so the completion function reuses their text.
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

/** SQL expressions a claim reads its inputs from: statement parameters, or plpgsql variables. */
export interface ClaimArgs {
  worker: string;
  limit: string;
  leaseMs: string;
  /** Namespaces (text[]) to claim from; NULL at run time means every namespace. */
  namespaces: string;
  /** Template keys (text[], `namespace/name@version`) the claimer can run; NULL at run time means any. */
  templates: string;
}

/** A data-modifying statement split so a caller can choose the final SELECT (rows, or aggregates in plpgsql). */
export interface CteStatement {
  /** `WITH …` up to the final SELECT. */
  ctes: string;
  /** The final SELECT of the standalone statement. */
  select: string;
}

/**
 * The columns of one claimed step (a ClaimRow), over CTE `claimed` c (which carries its task's identity, read by the
 * claim itself); `task_started` tests CTE `started` with a hashed subplan (a join to the CTE was planned as a nested
 * loop, quadratic in the batch).
 */
export const CLAIMED_COLUMNS = `c.step_id, c.task_id, c.namespace, c.task_name, c.version, c.correlation_id,
         c.name, c.handler_class, c.attempts AS attempt, c.retry_limit, c.retryable, c.timeout_ms, c.needs_plan,
         ${ms(NOW)} AS started_at,
         (c.task_id IN (SELECT task_id FROM started)
           AND row_number() OVER (PARTITION BY c.task_id ORDER BY c.was_ready_at, c.step_id) = 1)
           AS task_started`;

/**
 * Claim: lock up to `limit` claimable steps with SKIP LOCKED (so concurrent claimers never wait on, nor share, a
 * step), move them to running under a lease for `worker`, stamp each task's first start once, write one history row
 * per step.
 */
export function claimStatement(n: SchemaNames, a: ClaimArgs): CteStatement {
  const ctes = `
  WITH picked AS (
    SELECT s.step_id, s.state AS from_state, s.ready_at AS was_ready_at, t.namespace, t.task_name, t.version,
           t.correlation_id, t.needs_plan
      FROM ${n.steps} s
      -- one task lookup per candidate, by primary key (LATERAL … OFFSET 0 keeps the planner from scanning every
      -- running task per candidate when its statistics lag behind a burst of new tasks)
      CROSS JOIN LATERAL (
        SELECT t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan FROM ${n.tasks} t
         WHERE t.task_id = s.task_id AND t.state = 'running'
           AND (${a.namespaces} IS NULL OR t.namespace = ANY(${a.namespaces}))
           AND (${a.templates} IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(${a.templates}))
        OFFSET 0
      ) t
     WHERE s.ready_at <= now()
     ORDER BY s.ready_at, s.step_id
     LIMIT ${a.limit}
       FOR NO KEY UPDATE OF s SKIP LOCKED
  ), claimed AS (
    UPDATE ${n.steps} s
       SET state = 'running', attempts = s.attempts + 1, locked_by = ${a.worker},
           lease_expires_at = ${nowPlusMs(a.leaseMs)},
           started_at = ${NOW}, ready_at = NULL, completed_at = NULL, duration_ms = NULL
      FROM picked p
     WHERE s.step_id = p.step_id
    RETURNING s.step_id, s.task_id, s.name, s.handler_class, s.attempts, s.retry_limit, s.retryable, s.timeout_ms,
              p.from_state, p.was_ready_at, p.namespace, p.task_name, p.version, p.correlation_id, p.needs_plan
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
    SELECT c.task_id, c.step_id, c.from_state, 'running', ${NOW}, '${REASONS.claimed}', c.attempts, ${a.worker}
      FROM claimed c ORDER BY c.was_ready_at, c.step_id
  )`;
  const select = `
  SELECT ${CLAIMED_COLUMNS}
    FROM claimed c
   ORDER BY c.was_ready_at, c.step_id`;
  return { ctes, select };
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

/** SQL a finalisation reads its inputs from. */
export interface FinalizeArgs {
  /** A FROM item yielding one row per task: g(task_id, open_delta, satisfied_delta, ord). */
  given: string;
  /** bigint[]: steps that just reached a satisfying state (their children are released). */
  satisfied: string;
  /** The actor of the task history rows. */
  actor: string;
}

/**
 * Release children, apply per-task counter deltas and finalise, in one statement. Every step in `satisfied` just
 * reached a satisfying state, so each child's unmet drops by its number of such parents and a pending child reaching
 * 0 becomes claimable now (one more open step of its task). Then each running task whose open steps reach 0 is
 * finalised exactly once: the task rows are locked by this UPDATE (and by the caller earlier), so concurrent
 * transactions finishing the same task's last steps serialise here and only one sees it leave `running`. The final
 * SELECT reads CTE `upd`: task columns, `finalized`, `ord` and `readied` (children made claimable).
 */
export function finalizeStatement(n: SchemaNames, a: FinalizeArgs): CteStatement {
  const done = `t.state = 'running' AND t.open_steps + d.open_delta = 0`;
  const ctes = `
  WITH sat AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.edges} e WHERE e.parent_step_id = ANY(${a.satisfied})
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
    SELECT * FROM ${a.given}
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
           CASE state WHEN 'completed' THEN '${REASONS.allStepsDone}' ELSE '${REASONS.stepFailed}' END, NULL, ${a.actor}
      FROM upd WHERE finalized ORDER BY ord, task_id
  )`;
  return { ctes, select: `SELECT * FROM upd WHERE finalized OR readied > 0 ORDER BY ord, task_id` };
}

const text = (s: CteStatement): string => `${s.ctes}\n  ${s.select}`;

export function hotStatements(n: SchemaNames) {
  // Names need only be unique per connection, and each pool serves one schema.
  const named = (name: string, text: string): NamedStatement => ({ name: `tasker_${name}`, text });
  return {
    claim: named(
      'claim',
      text(
        claimStatement(n, {
          worker: '$1',
          limit: '$2',
          leaseMs: '$3',
          namespaces: '$4::text[]',
          templates: '$5::text[]',
        }),
      ),
    ),
    satisfyChildren: named('satisfy_children', satisfyChildrenText(n)),
    finalize: named(
      'finalize',
      text(
        finalizeStatement(n, {
          given:
            'unnest($1::bigint[], $2::integer[], $3::integer[], $5::integer[]) AS g(task_id, open_delta, satisfied_delta, ord)',
          satisfied: '$6::bigint[]',
          actor: '$4',
        }),
      ),
    ),
    lockTasks: named(
      'lock_tasks',
      `SELECT task_id, state FROM ${n.tasks} WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR NO KEY UPDATE`,
    ),
    notify: named('notify', `SELECT pg_notify($1, '')`),
  };
}

export type HotStatements = ReturnType<typeof hotStatements>;
