// completeSteps on PostgreSQL: encode the outcomes, then one call of the completion function (sql/complete.ts)
// whatever the batch size — it locks the tasks, prunes, applies the outcomes the caller still holds (the rest are
// stale), releases children, finalises, optionally claims more and NOTIFYs, in one implicit transaction.
// RateLimitedError outcomes go first, in a transaction of their own, and so does the rate claim of a claim with
// `rateLimited` (./rate-limits.ts): the function's claim takes the rest of the limit.
import type {
  CompleteOptions,
  CompletionResult,
  FinalizedTask,
  SkippedStep,
  StepOutcome,
} from '../../core/store-contract.js';
import { mapFinalizedTask } from '../shared/row-mappers.js';
import { excerptStepError } from '../shared/step-error.js';
import { mapClaimRow, type ClaimRow } from './claim.js';
import type { PgContext } from './context.js';
import { jsonbDiagnostic, jsonbValue } from './jsonb.js';
import { runRetrying, type Queryable } from './pool.js';
import { applyRateLimited, rateClaim, type RateLimitedOutcome } from './rate-limits.js';
import { applyParks, type ParkOutcome } from './dynamic.js';
import { applyMapOutcomes, type MapOutcome } from './map.js';

/** An outcome with its JSON columns encoded up front, so a bad value fails before the transaction starts. */
export interface EncodedOutcome {
  outcome: StepOutcome;
  results: string | null;
  error: string | null;
}

export function encodeOutcome(outcome: StepOutcome, checked = false): EncodedOutcome {
  const results =
    outcome.type === 'completed'
      ? jsonbValue(outcome.results ?? null, `results of step ${outcome.step_id}`, 'results', checked)
      : null;
  const error =
    outcome.type === 'retry' || outcome.type === 'failed'
      ? jsonbDiagnostic(excerptStepError(outcome.error), 'step error')
      : null;
  return { outcome, results, error };
}

/** Outcomes applied in transactions of their own before the completion function takes the rest. */
const SEPARATE: ReadonlySet<StepOutcome['type']> = new Set(['rate_limited', 'park', 'expand', 'skipped']);

/** What the completion function returns (json, parsed by node-postgres). */
interface CompletionReply {
  applied: number[];
  skipped: SkippedStep[];
  finalized: Array<Record<string, unknown>>;
  claimed: ClaimRow[];
  ready: number;
}

/**
 * Apply a batch of outcomes in one round trip (see sql/complete.ts). A step named twice in one batch: the
 * first outcome counts, later ones are stale (as if sent later). Re-run whole after a deadlock, as one statement.
 */
export async function completeSteps(
  ctx: PgContext,
  outcomes: EncodedOutcome[],
  opts: CompleteOptions,
  /**
   * Where the completion function runs: the pool, or a connection in a transaction (the warm-up's rehearsal, whose
   * outcomes are plain ones). Rate-limited, park and map outcomes always take transactions of their own on the pool.
   */
  db: Queryable = ctx.pool,
): Promise<CompletionResult> {
  const firstIndex = new Map<number, number>();
  outcomes.forEach((e, i) => {
    if (!firstIndex.has(e.outcome.step_id)) firstIndex.set(e.outcome.step_id, i);
  });
  const first = outcomes.filter((e, i) => firstIndex.get(e.outcome.step_id) === i);
  // RateLimitedError outcomes: their own transaction first (./rate-limits.ts); the function takes the rest.
  // Parks (steps with no handler waiting: ./dynamic.ts) too.
  const limited: RateLimitedOutcome[] = [];
  const parks: ParkOutcome[] = [];
  // Map fan-outs and skips of mapped steps (./map.ts) too.
  const maps: MapOutcome[] = [];
  first.forEach((e, ord) => {
    const o = e.outcome;
    if (o.type === 'rate_limited') limited.push({ ...o, ord });
    else if (o.type === 'park') parks.push({ ...o, ord });
    else if (o.type === 'expand' || o.type === 'skipped') maps.push(o);
  });
  const rated = limited.length ? await applyRateLimited(ctx, opts.workerId, limited) : { applied: [], ready: 0 };
  const parked = parks.length ? await applyParks(ctx, opts.workerId, parks) : { applied: [], ready: 0 };
  const mapped = maps.length
    ? await applyMapOutcomes(ctx, opts.workerId, maps)
    : { applied: [], ready: 0, skipped: [], finalized: [] };
  const batch =
    limited.length || parks.length || maps.length ? first.filter((e) => !SEPARATE.has(e.outcome.type)) : first;

  // Prune lists of completing outcomes, one row per (task, name); the first outcome naming a step wins.
  const seen = new Set<string>();
  const prune = {
    task: [] as number[],
    name: [] as string[],
    by: [] as number[],
    attempt: [] as number[],
    ord: [] as number[],
  };
  for (const { outcome: o } of batch) {
    if (o.type !== 'completed' || !o.prune) continue;
    for (const name of o.prune) {
      const key = `${o.task_id}\u0000${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      prune.task.push(o.task_id);
      prune.name.push(name);
      prune.by.push(o.step_id);
      prune.attempt.push(o.attempt);
      prune.ord.push(prune.ord.length);
    }
  }
  // Rows go in step-id order (the order row locks are taken); `ord` keeps the caller's order for history rows.
  const sorted = batch.map((e, ord) => ({ e, o: e.outcome, ord })).sort((a, b) => a.o.step_id - b.o.step_id);
  // Rate-limited steps are claimed first, in a transaction of their own (they are bounded by their tokens; served
  // only when a claim came back short, a worker kept busy by other work would never start them); the function's
  // claim takes what is left.
  const tokened =
    opts.claim?.rateLimited === true
      ? await rateClaim(ctx, { ...opts.claim, workerId: opts.workerId }, opts.claim.limit, ctx.missingRateLimit)
      : [];
  const claim = opts.claim && opts.claim.limit > tokened.length ? opts.claim : undefined;
  const [row] = await runRetrying<{ r: CompletionReply }>(db, ctx.sql.completeSteps, [
    sorted.map((x) => x.o.step_id),
    sorted.map((x) => x.o.task_id),
    sorted.map((x) => x.o.attempt),
    sorted.map((x) => x.o.type),
    sorted.map((x) => x.e.results),
    sorted.map((x) => x.e.error),
    sorted.map((x) => (x.o.type === 'retry' ? x.o.delayMs : null)),
    sorted.map((x) => x.ord),
    opts.workerId,
    prune.task,
    prune.name,
    prune.by,
    prune.attempt,
    prune.ord,
    claim ? claim.limit - tokened.length : null,
    claim ? Math.ceil(claim.leaseMs) : null,
    claim?.namespaces ?? null,
    claim?.templates ?? null,
  ]);
  const reply = row!.r;
  const appliedIds = new Set([...reply.applied, ...rated.applied, ...parked.applied, ...mapped.applied]);
  const applied: number[] = [];
  const stale: number[] = [];
  outcomes.forEach((e, i) => {
    const id = e.outcome.step_id;
    (firstIndex.get(id) === i && appliedIds.has(id) ? applied : stale).push(id);
  });
  const claimed = [...tokened, ...reply.claimed.map(mapClaimRow)];
  return {
    applied,
    stale,
    skipped: mapped.skipped.length ? [...mapped.skipped, ...reply.skipped] : reply.skipped,
    finalized: [
      ...mapped.finalized,
      ...reply.finalized.map((r) => mapFinalizedTask(r, r.state as FinalizedTask['state'], Number(r.completed_at))),
    ],
    readyCount: reply.ready + rated.ready + parked.ready + mapped.ready,
    claimed,
  };
}
