// claimSteps on PostgreSQL: one statement (UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) with CTEs for the
// task start stamp and the history rows), so concurrent workers on any number of machines never share a step; and
// the mapping of its rows, which the completion function's claim returns too. (A claim with `rateLimited` that came
// back short goes on with the rate claim, ./rate-limits.ts, in a transaction of its own: postgres-store.ts.)
import type { ClaimedStep, ClaimRequest } from '../../core/store-contract.js';
import type { PgContext } from './context.js';
import { runRetrying, type Queryable } from './pool.js';
import { mapContextRow } from './reads.js';

type Row = Record<string, unknown>;

export interface ClaimRow {
  step_id: number;
  task_id: number;
  namespace: string;
  task_name: string;
  version: string;
  correlation_id: string;
  name: string;
  handler_class: string;
  attempt: number;
  retry_limit: number;
  retryable: boolean;
  timeout_ms: number | null;
  started_at: number;
  task_started: boolean;
  needs_plan: boolean;
  /** When the step became ready (the claim statement, and the completion function from complete_steps_v3). */
  ready_at?: number;
  run: number;
  /** On the step that started its task (the claim statement, complete_steps_v7's claim): its context (json). */
  task_context?: Row | null;
}

/**
 * Claim as one statement (its own transaction, unless `db` is a connection in one: the warm-up's rehearsal), re-run
 * after a deadlock.
 */
export async function claimSteps(ctx: PgContext, req: ClaimRequest, db: Queryable = ctx.pool): Promise<ClaimedStep[]> {
  if (req.limit === 0 || (req.namespaces && req.namespaces.length === 0)) return [];
  if (req.templates && req.templates.length === 0) return [];
  const params = [req.workerId, req.limit, Math.ceil(req.leaseMs), req.namespaces ?? null, req.templates ?? null];
  const rows = await runRetrying<ClaimRow>(db, ctx.sql.claim, params);
  return rows.map(mapClaimRow);
}

export function mapClaimRow(r: ClaimRow): ClaimedStep {
  const claimed: ClaimedStep = {
    step_id: r.step_id,
    task: {
      task_id: r.task_id,
      namespace: r.namespace,
      name: r.task_name,
      version: r.version,
      correlation_id: r.correlation_id,
      run: r.run,
    },
    name: r.name,
    handler_class: r.handler_class,
    attempt: r.attempt,
    retry_limit: r.retry_limit,
    retryable: r.retryable,
    timeout_ms: r.timeout_ms,
    started_at: r.started_at,
    task_started: r.task_started,
    needs_plan: r.needs_plan === true,
    ready_at: r.ready_at,
  };
  if (r.task_context) claimed.context = mapContextRow(r.task_context);
  return claimed;
}
