// The completion function of the PostgreSQL store: one plpgsql function per schema that applies a batch of step
// outcomes, prunes routed-away steps, releases children, applies the task counters, finalises finished tasks exactly
// once, claims more steps and NOTIFYs — the whole completion transaction in one round trip. Called as a single
// statement, it runs in its own implicit transaction, so no BEGIN/COMMIT round trips either. It reuses the claim and
// finalisation statement text of hot-statements.ts, so the standalone and in-function paths cannot drift apart.
//
// The function is versioned in its name (`complete_steps_v1`) and installed by a migration: a later change to its
// body is a new migration with a new name, so workers of the old and the new release can share one database.
import pg from 'pg';
import { REASONS } from '../shared/lifecycle-rules.js';
import { claimStatement, CLAIMED_COLUMNS, finalizeStatement, type ClaimArgs } from './hot-statements.js';
import { NOW, nowPlusMs, type SchemaNames } from './sql.js';

export const COMPLETE_FUNCTION = 'complete_steps_v1';

/** The parameters of the function, in order; the call statement passes them as $1…$N. */
const PARAMS = [
  ['p_step_ids', 'bigint[]'],
  ['p_task_ids', 'bigint[]'],
  ['p_attempts', 'integer[]'],
  ['p_kinds', 'text[]'],
  ['p_results', 'jsonb[]'],
  ['p_errors', 'jsonb[]'],
  ['p_delays', 'float8[]'],
  ['p_ord', 'integer[]'],
  ['p_worker', 'text'],
  ['p_prune_task', 'bigint[]'],
  ['p_prune_name', 'text[]'],
  ['p_prune_by', 'bigint[]'],
  ['p_prune_attempt', 'integer[]'],
  ['p_prune_ord', 'integer[]'],
  ['p_claim_limit', 'integer'],
  ['p_lease_ms', 'integer'],
  ['p_namespaces', 'text[]'],
] as const;

/** `SELECT schema.complete_steps_v1($1, …)`: the one statement of a completion. */
export function completeStepsCall(n: SchemaNames): string {
  return `SELECT ${n.q}.${COMPLETE_FUNCTION}(${PARAMS.map(([, type], i) => `$${i + 1}::${type}`).join(', ')}) AS r`;
}

/** Milliseconds the current attempt has run, as stored in `duration_ms`. */
function attemptDuration(alias: string): string {
  return `CASE WHEN ${alias}.started_at IS NULL THEN NULL
    ELSE greatest(0, round(extract(epoch from ${NOW} - ${alias}.started_at) * 1000))::integer END`;
}

/** The text before and after the routing step's name in REASONS.prunedBy, as SQL literals. */
function pruneReason(byName: string): string {
  const mark = '\u0001';
  const [before, after] = REASONS.prunedBy(mark).split(mark) as [string, string];
  return `${pg.escapeLiteral(before)} || ${byName} || ${pg.escapeLiteral(after)}`;
}

/**
 * Prune (runtime routing): pending steps named by a completing outcome become skipped, but only when the routing
 * step is still held by this worker at that attempt. Accumulates the skipped steps, their counter deltas (open -1
 * when the step was claimable-to-be, satisfied +1) and the satisfied ids.
 */
function pruneBlock(n: SchemaNames): string {
  return `
  IF cardinality(p_prune_task) > 0 THEN
    WITH p AS (
      SELECT * FROM unnest(p_prune_task, p_prune_name, p_prune_by, p_prune_attempt, p_prune_ord)
        AS p(task_id, name, by_step_id, by_attempt, ord)
    ), target AS (
      SELECT s.step_id, s.unmet, s.attempts, ${pruneReason('by_step.name')} AS reason, p.ord
        FROM p
        JOIN ${n.steps} by_step ON by_step.step_id = p.by_step_id AND by_step.task_id = p.task_id
         AND by_step.state = 'running' AND by_step.locked_by = p_worker AND by_step.attempts = p.by_attempt
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
      SELECT task_id, step_id, 'pending', 'skipped', ${NOW}, reason, attempts, p_worker FROM upd ORDER BY ord
    )
    SELECT coalesce(json_agg(json_build_object('step_id', step_id, 'task_id', task_id, 'name', name) ORDER BY ord), '[]'),
           coalesce(array_agg(task_id ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN unmet = 0 THEN -1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(1 ORDER BY ord), '{}'),
           coalesce(array_agg(step_id ORDER BY ord), '{}')
      INTO v_skipped, v_d_task, v_d_open, v_d_sat, v_sat
      FROM upd;
  END IF;`;
}

/** Batches up to this size apply through the cached generic plan; larger ones are planned for their size. */
const GENERIC_APPLY_MAX = 8;

/** Where the apply statement reads its inputs: plpgsql variables, or $n parameters of a dynamic EXECUTE. */
interface ApplyInputs {
  arrays: string;
  worker: string;
}

/**
 * Apply attempt outcomes held by this worker (state running, locked_by, same attempt, same task); anything else is
 * left alone and reported stale by omission. Rows are updated in step-id order (the caller sorts), history rows are
 * written in the caller's order. Yields the applied ids and, in the caller's order, each row's task and counter
 * deltas (completed and failed close a step; completed satisfies it), the completed ids, and how many are claimable.
 */
function applyText(n: SchemaNames, inp: ApplyInputs, into: string): string {
  return `
    WITH o AS (
      SELECT * FROM unnest(${inp.arrays}) AS o(step_id, task_id, attempt, kind, results, error, delay_ms, ord)
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
      WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = 'running' AND s.locked_by = ${inp.worker}
        AND s.attempts = o.attempt
      RETURNING s.step_id, s.task_id, s.state, o.kind, o.attempt, o.error, o.ord,
                (s.ready_at IS NOT NULL AND s.ready_at <= now()) AS ready_now
    ), history AS (
      INSERT INTO ${n.transitions} (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
      SELECT task_id, step_id, 'running', state, ${NOW},
             CASE kind WHEN 'completed' THEN '${REASONS.completed}' WHEN 'retry' THEN '${REASONS.retry}'
                       WHEN 'failed' THEN '${REASONS.failed}' ELSE '${REASONS.released}' END,
             attempt, ${inp.worker}, CASE WHEN kind IN ('retry', 'failed') THEN error END
        FROM upd ORDER BY ord
    )
    SELECT coalesce(array_agg(step_id), '{}'),
           coalesce(array_agg(task_id ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN kind IN ('completed', 'failed') THEN -1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN kind = 'completed' THEN 1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(step_id ORDER BY ord) FILTER (WHERE kind = 'completed'), '{}'),
           count(*) FILTER (WHERE ready_now)
      ${into}
      FROM upd`;
}

/**
 * The apply step. A generic plan cannot know the batch size (unnest of a parameter is estimated at 10 rows), and for
 * a large batch it may pick a nested loop that is quadratic in the batch; so small batches (the latency path) use the
 * statement cached by plpgsql, and larger ones a dynamic EXECUTE planned for the actual arrays.
 */
function applyBlock(n: SchemaNames): string {
  const outputs = 'v_applied, v_a_task, v_a_open, v_a_sat, v_a_completed, v_ready';
  const vars = 'p_step_ids, p_task_ids, p_attempts, p_kinds, p_results, p_errors, p_delays, p_ord';
  const dynamic = applyText(
    n,
    { arrays: '$1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::integer[]', worker: '$9' },
    '',
  );
  return `
  IF cardinality(p_step_ids) > ${GENERIC_APPLY_MAX} THEN
    EXECUTE ${pg.escapeLiteral(dynamic)} INTO ${outputs} USING ${vars}, p_worker;
  ELSIF cardinality(p_step_ids) > 0 THEN
    ${applyText(n, { arrays: vars, worker: 'p_worker' }, `INTO ${outputs}`)};
  END IF;
  v_d_task := v_d_task || v_a_task;
  v_d_open := v_d_open || v_a_open;
  v_d_sat := v_d_sat || v_a_sat;
  v_sat := v_sat || v_a_completed;`;
}

/** What a finalisation report needs of a task row (mapFinalizedTask); json_agg of rows is cheaper than jsonb. */
const FINALIZED_COLUMNS = 'task_id, namespace, name, version, correlation_id, state, created_at, started_at, completed_at, step_count';

/** Counter deltas summed per task (first appearance keeps the order), children released, tasks finalised. */
function finalizeBlock(n: SchemaNames): string {
  const f = finalizeStatement(n, {
    given: `(SELECT x.task_id, sum(x.open_delta)::integer AS open_delta, sum(x.sat)::integer AS satisfied_delta,
                    min(x.ord)::integer AS ord
               FROM unnest(v_d_task, v_d_open, v_d_sat) WITH ORDINALITY AS x(task_id, open_delta, sat, ord)
              GROUP BY x.task_id) g`,
    satisfied: 'v_sat',
    actor: 'p_worker',
  });
  return `
  IF cardinality(v_d_task) > 0 OR cardinality(v_sat) > 0 THEN
    ${f.ctes}
    SELECT coalesce((SELECT json_agg(f ORDER BY f.ord, f.task_id)
                       FROM (SELECT ${FINALIZED_COLUMNS}, ord FROM upd WHERE finalized) f), '[]'),
           coalesce((SELECT sum(readied) FROM upd), 0)
      INTO v_finalized, v_readied;
  END IF;`;
}

/** One claim, with or without a namespace filter (two statements, so each keeps its own cached plan). */
function claimBlock(n: SchemaNames, args: ClaimArgs): string {
  const c = claimStatement(n, args);
  return `${c.ctes}
      SELECT coalesce(json_agg(r ORDER BY r.rn), '[]'), count(*)
        INTO v_claimed, v_claimed_n
        FROM (SELECT ${CLAIMED_COLUMNS}, row_number() OVER (ORDER BY c.was_ready_at, c.step_id) AS rn
                FROM claimed c) r;`;
}

/** CREATE FUNCTION for one schema (the body embeds the schema's qualified table names and NOTIFY channel). */
export function completeFunctionDdl(n: SchemaNames): string {
  const base = { worker: 'p_worker', limit: 'p_claim_limit', leaseMs: 'p_lease_ms' };
  return `
CREATE FUNCTION ${n.q}.${COMPLETE_FUNCTION}(${PARAMS.map(([name, type]) => `${name} ${type}`).join(', ')})
RETURNS json LANGUAGE plpgsql AS $tasker$
DECLARE
  v_skipped json := '[]';
  v_applied bigint[] := '{}';
  v_d_task bigint[] := '{}';
  v_d_open integer[] := '{}';
  v_d_sat integer[] := '{}';
  v_sat bigint[] := '{}';
  v_a_task bigint[] := '{}';
  v_a_open integer[] := '{}';
  v_a_sat integer[] := '{}';
  v_a_completed bigint[] := '{}';
  v_ready integer := 0;
  v_readied integer := 0;
  v_finalized json := '[]';
  v_claimed json := '[]';
  v_claimed_n integer := 0;
BEGIN
  -- the outcomes' tasks, locked in id order so concurrent completions never deadlock on each other
  PERFORM 1 FROM ${n.tasks} WHERE task_id = ANY(p_task_ids) ORDER BY task_id FOR NO KEY UPDATE;
  ${pruneBlock(n)}
  ${applyBlock(n)}
  ${finalizeBlock(n)}
  IF p_claim_limit > 0 THEN
    IF p_namespaces IS NULL THEN
      ${claimBlock(n, base)}
    ELSIF cardinality(p_namespaces) > 0 THEN
      ${claimBlock(n, { ...base, namespaces: 'p_namespaces' })}
    END IF;
  END IF;
  v_ready := v_ready + v_readied;
  -- steps this transaction readied and claimed for itself need no wake-up; a full claim may have left more
  IF v_ready > 0 AND (p_claim_limit IS NULL OR v_claimed_n >= p_claim_limit) THEN
    PERFORM pg_notify(${pg.escapeLiteral(n.channel)}, '');
  END IF;
  RETURN json_build_object('applied', to_json(v_applied), 'skipped', v_skipped, 'finalized', v_finalized,
                            'claimed', v_claimed, 'ready', v_ready);
END
$tasker$`;
}
