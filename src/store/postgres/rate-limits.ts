// Rate limits on PostgreSQL: the rate claim (one transaction, only for claims with `rateLimited`, before their plain
// claim: lock ready rate-limited steps with SKIP LOCKED, lock their buckets in key order, decide with
// ../shared/rate-buckets.ts, write the buckets, put the denied back to wait, claim the granted with the claim's own
// statement), a handler's RateLimitedError (the attempt handed back uncounted, its bucket drained), and the limits
// themselves (declared by templates, set by operators, listed: the store's `rateLimits` part, RateLimitStore of
// core/store-rate-limits.ts).
import type pg from 'pg';
import type {
  ClaimedStep,
  ClaimRequest,
  DeclaredRateLimit,
  RateLimitInfo,
  RateLimitStore,
  StoreRateLimit,
} from '../../core/store-contract.js';
import {
  assertRateLimit,
  candidateLimit,
  decide,
  drained,
  limitName,
  lockedBucket,
  mapRateLimitRow,
  type BucketRow,
  type LockedBucket,
  type RateCandidate,
} from '../shared/rate-buckets.js';
import { mapClaimRow, type ClaimRow } from './claim.js';
import type { PgContext } from './context.js';
import { run, withTransaction } from './pool.js';

/** Lock (creating missing ones full) the buckets of `keys`, in key order; those of undefined limits come back null. */
async function lockBuckets(
  client: pg.PoolClient,
  ctx: PgContext,
  keys: Iterable<string>,
  now: number,
): Promise<LockedBucket[]> {
  const sorted = [...new Set(keys)].sort();
  const rows = await run<BucketRow>(client, ctx.sql.lockBuckets, [sorted, sorted.map(limitName), now]);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return sorted.map((key) => lockedBucket(key, byKey.get(key), now));
}

/** Claim up to `limit` rate-limited steps that get a token (see the header); `missing` reports undefined limits. */
export async function rateClaim(
  ctx: PgContext,
  req: ClaimRequest,
  limit: number,
  missing: (name: string) => void,
): Promise<ClaimedStep[]> {
  // Most claims find no rate-limited step ready: one probe instead of a transaction of three round trips.
  if ((await run(ctx.pool, ctx.sql.rateReady, [])).length === 0) return [];
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const rows = await run<RateCandidate & { now_ms: number }>(client, ctx.sql.rateCandidates, [
      candidateLimit(limit),
      req.namespaces ?? null,
      req.templates ?? null,
    ]);
    if (rows.length === 0) return [];
    const now = Number(rows[0]!.now_ms);
    const candidates = rows.map((r) => ({
      step_id: Number(r.step_id),
      task_id: Number(r.task_id),
      rate_key: r.rate_key,
    }));
    const buckets = await lockBuckets(
      client,
      ctx,
      candidates.map((c) => c.rate_key),
      now,
    );
    const d = decide(candidates, buckets, now, limit);
    if (d.buckets.length) {
      await run(client, ctx.sql.writeBuckets, [
        d.buckets.map((b) => b.key),
        d.buckets.map((b) => b.tokens),
        d.buckets.map((b) => b.refilled_at),
      ]);
    }
    if (d.denied.length) {
      await run(client, ctx.sql.denySteps, [d.denied.map((x) => x.step.step_id), d.denied.map((x) => x.at)]);
    }
    for (const name of d.missing) missing(name);
    if (d.granted.length === 0) return [];
    const claimed = await run<ClaimRow>(client, ctx.sql.claimGranted, [
      req.workerId,
      d.granted.map((c) => c.step_id),
      Math.ceil(req.leaseMs),
      req.namespaces ?? null,
      req.templates ?? null,
    ]);
    return claimed.map(mapClaimRow);
  });
}

/** A RateLimitedError outcome, ready to apply. */
export interface RateLimitedOutcome {
  step_id: number;
  task_id: number;
  attempt: number;
  retryAfterMs: number;
  ord: number;
}

/**
 * Apply RateLimitedError outcomes in one transaction (see sql/rate-limits.ts, rateLimitedSteps), then drain the
 * buckets of the steps that use a rate limit. Returns the step ids applied and how many are ready at once.
 */
export async function applyRateLimited(
  ctx: PgContext,
  workerId: string,
  outcomes: readonly RateLimitedOutcome[],
): Promise<{ applied: number[]; ready: number }> {
  const sorted = [...outcomes].sort((a, b) => a.step_id - b.step_id);
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const rows = await run<{ step_id: number; rate_key: string | null; delay_ms: number; now_ms: number }>(
      client,
      ctx.sql.rateLimitedSteps,
      [
        sorted.map((o) => o.step_id),
        sorted.map((o) => o.task_id),
        sorted.map((o) => o.attempt),
        sorted.map((o) => o.retryAfterMs),
        workerId,
        sorted.map((o) => o.ord),
      ],
    );
    const drains = new Map<string, number>();
    for (const r of rows) {
      if (r.rate_key) drains.set(r.rate_key, Math.max(drains.get(r.rate_key) ?? 0, Number(r.delay_ms)));
    }
    if (drains.size) {
      const now = Number(rows[0]!.now_ms);
      const buckets = (await lockBuckets(client, ctx, drains.keys(), now)).filter((b) => b.spec !== null);
      if (buckets.length) {
        const after = buckets.map((b) => drained(b, b.spec!, now, drains.get(b.key)!));
        await run(client, ctx.sql.writeBuckets, [
          buckets.map((b) => b.key),
          after.map((a) => a.tokens),
          after.map((a) => a.refilled_at),
        ]);
      }
    }
    return {
      applied: rows.map((r) => Number(r.step_id)),
      ready: rows.filter((r) => Number(r.delay_ms) === 0).length,
    };
  });
}

async function declareRateLimits(ctx: PgContext, limits: readonly DeclaredRateLimit[]): Promise<void> {
  const byName = new Map(limits.map((l) => [l.name, l])); // the last declaration of a name wins
  const list = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (list.length === 0) return;
  await run(ctx.pool, ctx.sql.declareRateLimits, [
    list.map((l) => l.name),
    list.map((l) => l.limit),
    list.map((l) => l.period_ms),
    list.map((l) => l.burst),
  ]);
}

async function setRateLimit(
  ctx: PgContext,
  name: string,
  spec: StoreRateLimit,
  actor: string | null,
): Promise<RateLimitInfo> {
  await run(ctx.pool, ctx.sql.setRateLimit, [name, spec.limit, spec.period_ms, spec.burst, actor]);
  return (await listRateLimits(ctx, name))[0]!;
}

async function listRateLimits(ctx: PgContext, name: string | null = null): Promise<RateLimitInfo[]> {
  const rows = await run<Record<string, unknown>>(ctx.pool, ctx.sql.listRateLimits, [name]);
  return rows.map(mapRateLimitRow);
}

/** The store's `rateLimits` part. */
export class PgRateLimits implements RateLimitStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly open: () => void,
  ) {}

  async declareRateLimits(limits: readonly DeclaredRateLimit[]): Promise<void> {
    for (const l of limits) assertRateLimit(l.name, l, 'declareRateLimits');
    this.open();
    await declareRateLimits(this.ctx, limits);
  }

  async setRateLimit(name: string, spec: StoreRateLimit, actor: string | null): Promise<RateLimitInfo> {
    assertRateLimit(name, spec, 'setRateLimit');
    this.open();
    return setRateLimit(this.ctx, name, spec, actor);
  }

  async listRateLimits(): Promise<RateLimitInfo[]> {
    this.open();
    return listRateLimits(this.ctx);
  }
}
