// The store's part of rate limits (flow control): named token buckets kept in the store, so a limit holds across
// every process. A limit `{ limit, period, burst }` refills limit/period tokens per millisecond up to burst + 1 (a
// bucket starts full), so no half-open window of `period` sees more than limit + burst starts. A step using a limit
// takes one token of its bucket (`name`, or `name:` + key values as JSON) when a claim with `rateLimited` starts
// it; without a token it waits (ready_at pushed to when its bucket should have one, `waiting_for: rate_limit`).
// store-contract.ts re-exports these types; the Store exposes a RateLimitStore as `store.rateLimits`.

/** A rate limit as the store keeps it: `limit` starts per `period_ms`, plus `burst` extra at once. */
export interface StoreRateLimit {
  limit: number;
  period_ms: number;
  burst: number;
}

/** A named limit declared by a template (`declareRateLimits`). */
export interface DeclaredRateLimit extends StoreRateLimit {
  name: string;
}

/** A rate limit with where it came from and what uses it now (`listRateLimits`). */
export interface RateLimitInfo extends StoreRateLimit {
  name: string;
  /** `template`: declared by a template (the newest declaration wins); `operator`: set by hand, overrides templates. */
  source: 'template' | 'operator';
  /** Epoch ms of the last change (store clock). */
  updated_at: number;
  /** Buckets the store keeps for it (one per key value in use; one for an unkeyed limit). */
  buckets: number;
  /** Steps waiting for a token of it now. */
  waiting: number;
}

/** The store's `rateLimits` part (`Store.rateLimits`). */
export interface RateLimitStore {
  /**
   * Upsert the limits templates declare (source `template`); a row an operator set (`setRateLimit`) is never
   * overwritten. Idempotent: the engine calls it at start and when a template is registered.
   */
  declareRateLimits(limits: readonly DeclaredRateLimit[]): Promise<void>;
  /** Set a limit by hand (source `operator`): it overrides every template's declaration from now on. */
  setRateLimit(name: string, spec: StoreRateLimit, actor: string | null): Promise<RateLimitInfo>;
  /** Every limit, by name, with its bucket count and the steps waiting for a token. */
  listRateLimits(): Promise<RateLimitInfo[]>;
}

/** The bounds a limit must keep (refused with InvalidRequestError otherwise). */
export const RATE_LIMIT_BOUNDS = { maxLimit: 1_000_000, minPeriodMs: 1, maxPeriodMs: 31_536_000_000 } as const;

/** What a rate limit's name may hold: it is a path segment of the API (`/tasker/rate-limits/{name}`). */
export const RATE_LIMIT_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
