// Retry delays: exponential backoff with a cap and jitter, and the `retryAfter` override from RetryableError.
import type { RetryPolicy } from '../definition/model.js';

/**
 * Delay before the attempt after `failedAttempt` (1-based): base * multiplier^(failedAttempt-1), capped at max,
 * then up to `jitter` of it randomised downwards ("equal jitter": never longer than the un-jittered delay).
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const exp = policy.base * Math.pow(policy.multiplier, Math.max(0, failedAttempt - 1));
  const capped = Math.min(policy.max, exp);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(capped * (1 - jitter * random()));
}

/** `retryAfter` is in seconds like HTTP Retry-After (fractions allowed, 0 = at once). */
export function retryAfterDelay(retryAfterSeconds: number): number {
  return Math.max(0, Math.round(retryAfterSeconds * 1000));
}
