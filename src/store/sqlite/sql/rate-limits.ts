// Rate limits on SQLite (../rate-limits.ts): the limits (rate_limits), the token buckets (rate_buckets) and the
// steps' waits for a token (steps.rate_wait), all written inside the caller's IMMEDIATE transaction (one writer at a
// time, so a bucket read and written in one transaction is never read by another claim in between).

/** A limit's bucket (key ?, now ?, limit name ?), full, unless it exists or the limit is not defined. */
export const ensureBucket = `
    INSERT OR IGNORE INTO rate_buckets (bucket_key, name, tokens, refilled_at)
    SELECT ?, name, burst + 1, ? FROM rate_limits WHERE name = ?`;

/** Bucket ? with its limit (NULL columns when the limit is not defined). Row: key, tokens, refilled_at, lim, period_ms, burst. */
export const readBucket = `
    SELECT b.bucket_key AS key, b.tokens, b.refilled_at, l."limit" AS lim, l.period_ms, l.burst
      FROM rate_buckets b LEFT JOIN rate_limits l ON l.name = b.name WHERE b.bucket_key = ?`;

/** Bucket (third) holds tokens (first) as of (second). */
export const writeBucket = 'UPDATE rate_buckets SET tokens = ?, refilled_at = ? WHERE bucket_key = ?';

/** A step denied a token looks again at ready_at (first), waiting for one: step id (second). */
export const denyStep = 'UPDATE steps SET ready_at = ?, rate_wait = 1 WHERE step_id = ?';

/** Steps (JSON array of ids) got their token: no longer waiting. */
export const clearRateWait = `UPDATE steps SET rate_wait = NULL
     WHERE step_id IN (SELECT value FROM json_each(?)) AND rate_wait IS NOT NULL`;

/**
 * An attempt the handler reported rate-limited, handed back uncounted: state (pending or retrying), ready at, next
 * attempt at (retrying), step id. It waits for `rate_limit`.
 */
export const rateLimitedStep = `UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                rate_wait = 1, locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`;

/**
 * A template's declaration: name, limit, period_ms, burst, now. Never overwrites an operator's row; a template row
 * changes only when the declaration does.
 */
export const declareRateLimit = `
    INSERT INTO rate_limits (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES (?, ?, ?, ?, 'template', NULL, ?)
    ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", period_ms = excluded.period_ms,
                                     burst = excluded.burst, updated_at = excluded.updated_at
     WHERE rate_limits.source = 'template'
       AND (rate_limits."limit" <> excluded."limit" OR rate_limits.period_ms <> excluded.period_ms
            OR rate_limits.burst <> excluded.burst)`;

/** An operator's limit: name, limit, period_ms, burst, actor, now. It overrides templates from now on. */
export const setRateLimit = `
    INSERT INTO rate_limits (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES (?, ?, ?, ?, 'operator', ?, ?)
    ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", period_ms = excluded.period_ms,
                                     burst = excluded.burst, source = 'operator', actor = excluded.actor,
                                     updated_at = excluded.updated_at`;

/** Every limit (or the one named ?, when not NULL) with its buckets and the steps waiting for a token, by name. */
export const listRateLimits = `
    SELECT l.name, l."limit" AS lim, l.period_ms, l.burst, l.source, l.updated_at,
           (SELECT COUNT(*) FROM rate_buckets b WHERE b.name = l.name) AS buckets,
           (SELECT COUNT(*) FROM steps s WHERE s.rate_wait = 1
               AND (s.rate_key = l.name OR substr(s.rate_key, 1, length(l.name) + 1) = l.name || ':')) AS waiting
      FROM rate_limits l WHERE ? IS NULL OR l.name = ? ORDER BY l.name`;
