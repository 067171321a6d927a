-- ensureBucket

    INSERT OR IGNORE INTO rate_buckets (bucket_key, name, tokens, refilled_at)
    SELECT ?, name, burst + 1, ? FROM rate_limits WHERE name = ?;

-- readBucket

    SELECT b.bucket_key AS key, b.tokens, b.refilled_at, l."limit" AS lim, l.period_ms, l.burst
      FROM rate_buckets b LEFT JOIN rate_limits l ON l.name = b.name WHERE b.bucket_key = ?;

-- writeBucket
UPDATE rate_buckets SET tokens = ?, refilled_at = ? WHERE bucket_key = ?;

-- denyStep
UPDATE steps SET ready_at = ?, rate_wait = 1 WHERE step_id = ?;

-- clearRateWait
UPDATE steps SET rate_wait = NULL
     WHERE step_id IN (SELECT value FROM json_each(?)) AND rate_wait IS NOT NULL;

-- rateLimitedStep
UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                rate_wait = 1, locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?;

-- declareRateLimit

    INSERT INTO rate_limits (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES (?, ?, ?, ?, 'template', NULL, ?)
    ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", period_ms = excluded.period_ms,
                                     burst = excluded.burst, updated_at = excluded.updated_at
     WHERE rate_limits.source = 'template'
       AND (rate_limits."limit" <> excluded."limit" OR rate_limits.period_ms <> excluded.period_ms
            OR rate_limits.burst <> excluded.burst);

-- setRateLimit

    INSERT INTO rate_limits (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES (?, ?, ?, ?, 'operator', ?, ?)
    ON CONFLICT (name) DO UPDATE SET "limit" = excluded."limit", period_ms = excluded.period_ms,
                                     burst = excluded.burst, source = 'operator', actor = excluded.actor,
                                     updated_at = excluded.updated_at;

-- listRateLimits

    SELECT l.name, l."limit" AS lim, l.period_ms, l.burst, l.source, l.updated_at,
           (SELECT COUNT(*) FROM rate_buckets b WHERE b.name = l.name) AS buckets,
           (SELECT COUNT(*) FROM steps s WHERE s.rate_wait = 1
               AND (s.rate_key = l.name OR substr(s.rate_key, 1, length(l.name) + 1) = l.name || ':')) AS waiting
      FROM rate_limits l WHERE ? IS NULL OR l.name = ? ORDER BY l.name;
