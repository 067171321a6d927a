// Token-bucket arithmetic of rate limits, shared by both stores' rate claims (the stores lock and write the buckets;
// this decides). A bucket of a limit { limit, period_ms, burst } refills limit/period_ms tokens per millisecond up to
// burst + 1 and starts full: a start needs a whole token, so no half-open window of period_ms holds more than
// limit + burst starts. Candidates are served in claim order; one that finds no token is put back until its bucket
// should have one, the i-th denied of a bucket i * period/limit later still, so they do not all wake at once.
import type { RateLimitInfo, StoreRateLimit } from '../../core/store-contract.js';
import { InvalidRequestError } from '../../core/errors.js';
import { RATE_LIMIT_BOUNDS, RATE_LIMIT_NAME_PATTERN } from '../../core/store-rate-limits.js';

/** A bucket as locked by a rate claim, with its limit (null: the limit's name is not in rate_limits). */
export interface LockedBucket {
  key: string;
  tokens: number;
  refilled_at: number;
  spec: StoreRateLimit | null;
}

/** A bucket row as both stores read it with its limit (`lim` NULL: the limit is not defined). */
export interface BucketRow {
  key: string;
  tokens: number | string;
  refilled_at: number | string;
  lim: number | string | null;
  period_ms: number | string | null;
  burst: number | string | null;
}

/** The locked bucket of `key` from its row (absent: no bucket could be made, its limit is not defined). */
export function lockedBucket(key: string, row: BucketRow | undefined, now: number): LockedBucket {
  if (!row) return { key, tokens: 0, refilled_at: now, spec: null };
  const spec =
    row.lim === null ? null : { limit: Number(row.lim), period_ms: Number(row.period_ms), burst: Number(row.burst) };
  return { key, tokens: Number(row.tokens), refilled_at: Number(row.refilled_at), spec };
}

/** A ready rate-limited step, in claim order. */
export interface RateCandidate {
  step_id: number;
  task_id: number;
  rate_key: string;
}

export interface RateDecision {
  /** Steps that took a token, in claim order. */
  granted: RateCandidate[];
  /** Steps put back, each with when to look again (epoch ms). */
  denied: Array<{ step: RateCandidate; at: number }>;
  /** Buckets to write back (refilled to `now`, minus the tokens taken). */
  buckets: Array<{ key: string; tokens: number; refilled_at: number }>;
  /** Limit names no row of rate_limits defines (their steps are looked at again in MISSING_LIMIT_RECHECK_MS). */
  missing: string[];
}

/** How long a step whose limit is not defined waits before it is looked at again. */
export const MISSING_LIMIT_RECHECK_MS = 5_000;

/** The limit's name of a bucket key (`name` or `name:[values]`). */
export function limitName(bucketKey: string): string {
  const at = bucketKey.indexOf(':');
  return at < 0 ? bucketKey : bucketKey.slice(0, at);
}

/** A full bucket's tokens. */
export function capacity(spec: StoreRateLimit): number {
  return spec.burst + 1;
}

/** The bucket's tokens at `now`. */
export function refilled(b: { tokens: number; refilled_at: number }, spec: StoreRateLimit, now: number): number {
  const elapsed = Math.max(0, now - b.refilled_at);
  return Math.min(capacity(spec), b.tokens + (elapsed * spec.limit) / spec.period_ms);
}

/**
 * How many candidates a rate claim of `limit` steps looks at: more than it may grant, so a bucket without tokens at
 * the head of the queue does not hide the steps of other buckets behind it for a round.
 */
export function candidateLimit(limit: number): number {
  return Math.min(limit * 4, Math.max(limit, 1_000));
}

/**
 * Serve `candidates` in order from `buckets` (every candidate's bucket, locked) at `now`, granting at most `max`
 * tokens; the candidates after the last grant needed are left as they are.
 */
export function decide(
  candidates: readonly RateCandidate[],
  buckets: readonly LockedBucket[],
  now: number,
  max = Infinity,
): RateDecision {
  const state = new Map(
    buckets.map((b) => [b.key, { b, tokens: b.spec ? refilled(b, b.spec, now) : 0, deniedSoFar: 0 }]),
  );
  const out: RateDecision = { granted: [], denied: [], buckets: [], missing: [] };
  const missing = new Set<string>();
  for (const c of candidates) {
    if (out.granted.length >= max) break;
    const s = state.get(c.rate_key);
    if (!s || !s.b.spec) {
      missing.add(limitName(c.rate_key));
      out.denied.push({ step: c, at: now + MISSING_LIMIT_RECHECK_MS });
      continue;
    }
    // Another claim accounted this bucket at a later clock reading than this transaction's (it began earlier and
    // waited for the bucket's lock): leave its steps for the next claim, so each bucket's grants are stamped in order.
    if (s.b.refilled_at > now) continue;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      out.granted.push(c);
      continue;
    }
    const perToken = s.b.spec.period_ms / s.b.spec.limit;
    const wait = Math.ceil((1 - s.tokens) * perToken + s.deniedSoFar * perToken);
    s.deniedSoFar += 1;
    out.denied.push({ step: c, at: now + Math.max(1, wait) });
  }
  for (const s of state.values()) {
    if (s.b.spec && s.b.refilled_at <= now) out.buckets.push({ key: s.b.key, tokens: s.tokens, refilled_at: now });
  }
  out.missing = [...missing];
  return out;
}

/**
 * A bucket after a RateLimitedError of `retryAfterMs` at `now`: few enough tokens that it reaches one no sooner than
 * now + retryAfterMs (never more than it has), as of a time that never goes back.
 */
export function drained(
  b: { tokens: number; refilled_at: number },
  spec: StoreRateLimit,
  now: number,
  retryAfterMs: number,
): { tokens: number; refilled_at: number } {
  const at = Math.max(now, b.refilled_at);
  const until = now + retryAfterMs - at;
  return { tokens: Math.min(refilled(b, spec, at), 1 - (until * spec.limit) / spec.period_ms), refilled_at: at };
}

/** A limit's spec checked, or InvalidRequestError naming the field. */
export function assertRateLimit(name: string, spec: StoreRateLimit, where: string): void {
  if (typeof name !== 'string' || !RATE_LIMIT_NAME_PATTERN.test(name)) {
    throw new InvalidRequestError(`${where}: a rate limit name is letters, digits, _ . or -, got '${String(name)}'`);
  }
  const { maxLimit, minPeriodMs, maxPeriodMs } = RATE_LIMIT_BOUNDS;
  if (!Number.isSafeInteger(spec.limit) || spec.limit < 1 || spec.limit > maxLimit) {
    throw new InvalidRequestError(`${where}: ${name}: limit must be a whole number from 1 to ${maxLimit}`);
  }
  if (!Number.isSafeInteger(spec.period_ms) || spec.period_ms < minPeriodMs || spec.period_ms > maxPeriodMs) {
    throw new InvalidRequestError(`${where}: ${name}: period must be a whole number of ms from 1 ms to 365 days`);
  }
  if (!Number.isSafeInteger(spec.burst) || spec.burst < 0 || spec.burst > maxLimit) {
    throw new InvalidRequestError(`${where}: ${name}: burst must be a whole number from 0 to ${maxLimit}`);
  }
}

/** A rate_limits row with its counts (both stores' list queries give these columns; `lim` is the limit). */
export function mapRateLimitRow(r: Record<string, unknown>): RateLimitInfo {
  return {
    name: String(r.name),
    limit: Number(r.lim),
    period_ms: Number(r.period_ms),
    burst: Number(r.burst),
    source: r.source === 'operator' ? 'operator' : 'template',
    updated_at: Number(r.updated_at),
    buckets: Number(r.buckets),
    waiting: Number(r.waiting),
  };
}

/** Logs each missing limit name once per store (a step keeps being looked at every few seconds meanwhile). */
export function missingLimitReporter(warn: (name: string) => void): (name: string) => void {
  const seen = new Set<string>();
  return (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    warn(name);
  };
}
