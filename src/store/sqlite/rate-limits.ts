// Rate limits on SQLite: the rate claim's token decisions (buckets read, refilled and written in the claim's
// transaction; ../shared/rate-buckets.ts decides), a RateLimitedError outcome (the attempt handed back uncounted,
// the bucket drained), and the limits themselves (declared by templates, set by operators, listed: the store's
// `rateLimits` part, RateLimitStore of core/store-rate-limits.ts).
import type { DeclaredRateLimit, RateLimitInfo, RateLimitStore, StoreRateLimit } from '../../core/store-contract.js';
import { releaseTarget, REASONS } from '../shared/lifecycle-rules.js';
import {
  assertRateLimit,
  decide,
  drained,
  limitName,
  lockedBucket,
  mapRateLimitRow,
  type BucketRow,
  type LockedBucket,
  type RateCandidate,
} from '../shared/rate-buckets.js';
import type { SqliteTx, StepRow } from './tx.js';
import type { Statements } from './statements.js';

/** Lock (SQLite: the transaction holds the write lock), create full and read the buckets of `keys`. */
function lockBuckets(tx: SqliteTx, keys: Iterable<string>): LockedBucket[] {
  return [...new Set(keys)].sort().map((key) => {
    tx.st.ensureBucket.run(key, tx.now, limitName(key));
    return lockedBucket(key, tx.st.readBucket.get(key) as BucketRow | undefined, tx.now);
  });
}

/**
 * Serve the candidates (claim order) from their buckets, at most `max` of them: the ids granted a token; those denied
 * one put back to wait.
 */
export function rateClaim(tx: SqliteTx, candidates: RateCandidate[], max: number): number[] {
  const buckets = lockBuckets(
    tx,
    candidates.map((c) => c.rate_key),
  );
  const d = decide(candidates, buckets, tx.now, max);
  for (const b of d.buckets) tx.st.writeBucket.run(b.tokens, b.refilled_at, b.key);
  for (const { step, at } of d.denied) tx.st.denyStep.run(at, step.step_id);
  for (const name of d.missing) tx.missingRateLimit(name);
  const ids = d.granted.map((c) => c.step_id);
  if (ids.length) tx.st.clearRateWait.run(JSON.stringify(ids));
  return ids;
}

/**
 * A handler's RateLimitedError: the attempt goes back uncounted (pending, or retrying if it was), ready again after
 * `retryAfterMs` and waiting for `rate_limit`; its bucket, if any, has no token before then.
 */
export function applyRateLimited(tx: SqliteTx, row: StepRow, retryAfterMs: number): void {
  const to = releaseTarget(row.attempts);
  const at = tx.now + retryAfterMs;
  tx.stepHistory(row, to, { reason: REASONS.rateLimited, attempt: row.attempts });
  tx.st.rateLimitedStep.run(to, at, to === 'retrying' ? at : null, row.step_id);
  tx.touch(row.task_id);
  if (retryAfterMs === 0) tx.readyCount += 1;
  const key = row.rate_key;
  if (typeof key !== 'string') return;
  const [bucket] = lockBuckets(tx, [key]);
  if (!bucket?.spec) return;
  const after = drained(bucket, bucket.spec, tx.now, retryAfterMs);
  tx.st.writeBucket.run(after.tokens, after.refilled_at, key);
}

function setRateLimitInTx(tx: SqliteTx, name: string, spec: StoreRateLimit, actor: string | null): RateLimitInfo {
  const { st, now } = tx;
  st.setRateLimit.run(name, spec.limit, spec.period_ms, spec.burst, actor, now);
  // the steps waiting for a token were given times under the old limit: they look again now
  tx.readyCount += st.wakeRateWaits.run(now, now, name, name, name).changes;
  return listRateLimits(st, name)[0]!;
}

function listRateLimits(st: Statements, name: string | null = null): RateLimitInfo[] {
  return (st.listRateLimits.all(name, name) as Array<Record<string, unknown>>).map(mapRateLimitRow);
}

/** The store's `rateLimits` part: each write one IMMEDIATE transaction. */
export class SqliteRateLimits implements RateLimitStore {
  constructor(
    private readonly st: Statements,
    private readonly write: <T>(actor: string | null, fn: (tx: SqliteTx) => T) => T,
  ) {}

  async declareRateLimits(limits: readonly DeclaredRateLimit[]): Promise<void> {
    for (const l of limits) assertRateLimit(l.name, l, 'declareRateLimits');
    if (limits.length === 0) return;
    this.write(null, (tx) => {
      for (const l of limits) tx.st.declareRateLimit.run(l.name, l.limit, l.period_ms, l.burst, tx.now);
    });
  }

  async setRateLimit(name: string, spec: StoreRateLimit, actor: string | null): Promise<RateLimitInfo> {
    assertRateLimit(name, spec, 'setRateLimit');
    return this.write(actor, (tx) => setRateLimitInTx(tx, name, spec, actor));
  }

  async listRateLimits(): Promise<RateLimitInfo[]> {
    return listRateLimits(this.st);
  }
}
