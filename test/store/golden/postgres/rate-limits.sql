-- rateReady (tasker_rate_ready)
SELECT 1 AS ready FROM "tasker".steps s WHERE s.ready_at <= now() AND s.rate_key IS NOT NULL LIMIT 1;

-- rateCandidates (tasker_rate_candidates)
SELECT s.step_id, s.task_id, s.rate_key,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS now_ms
    FROM "tasker".steps s
   CROSS JOIN LATERAL (
     SELECT 1 FROM "tasker".tasks t
      WHERE t.task_id = s.task_id AND t.state IN ('running', 'pending')
        AND ($2::text[] IS NULL OR t.namespace = ANY($2::text[]))
        AND ($3::text[] IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY($3::text[]))
     OFFSET 0
   ) t
   WHERE s.ready_at <= now() AND s.rate_key IS NOT NULL
   ORDER BY s.priority DESC, s.ready_at, s.step_id
   LIMIT $1
     FOR NO KEY UPDATE OF s SKIP LOCKED;

-- lockBuckets (tasker_lock_buckets)
WITH b AS (
    INSERT INTO "tasker".rate_buckets AS b (bucket_key, name, tokens, refilled_at)
    SELECT k.bucket_key, k.name, l.burst + 1, $3::float8
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(bucket_key, name, ord)
      JOIN "tasker".rate_limits l ON l.name = k.name
     ORDER BY k.ord
    ON CONFLICT (bucket_key) DO UPDATE SET name = b.name
    RETURNING b.bucket_key, b.name, b.tokens, b.refilled_at
  )
  SELECT b.bucket_key AS key, b.tokens, b.refilled_at, l."limit" AS lim, l.period_ms::float8 AS period_ms, l.burst
    FROM b JOIN "tasker".rate_limits l ON l.name = b.name;

-- writeBuckets (tasker_write_buckets)
UPDATE "tasker".rate_buckets b SET tokens = u.tokens, refilled_at = u.at
    FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(bucket_key, tokens, at)
   WHERE b.bucket_key = u.bucket_key;

-- denySteps (tasker_deny_steps)
UPDATE "tasker".steps s SET ready_at = 'epoch'::timestamptz + u.at * interval '1 millisecond', rate_wait = 1
    FROM unnest($1::bigint[], $2::float8[]) AS u(step_id, at)
   WHERE s.step_id = u.step_id;

-- rateLimitedSteps (tasker_rate_limited_steps)
WITH o AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::float8[], $6::integer[])
      AS o(step_id, task_id, attempt, delay_ms, ord)
  ), locked AS (
    SELECT t.task_id, t.paused FROM "tasker".tasks t WHERE t.task_id = ANY($2::bigint[]) ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), upd AS (
    UPDATE "tasker".steps s
       SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = s.attempts - 1,
           ready_at = CASE WHEN p.paused <> 0 THEN NULL
                           ELSE date_trunc('milliseconds', now()) + o.delay_ms * interval '1 millisecond' END,
           rate_wait = 1, locked_by = NULL, lease_expires_at = NULL
      FROM o JOIN locked p ON p.task_id = o.task_id
     WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = 'running' AND s.locked_by = $5
       AND s.attempts = o.attempt
    RETURNING s.step_id, s.task_id, s.state, s.rate_key, o.attempt, o.delay_ms, o.ord
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, step_id, 'running', state, date_trunc('milliseconds', now()), 'rate_limited', attempt, $5
      FROM upd ORDER BY ord
  )
  SELECT step_id, rate_key, delay_ms,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS now_ms
    FROM upd;

-- declareRateLimits (tasker_declare_rate_limits)
INSERT INTO "tasker".rate_limits AS r (name, "limit", period_ms, burst, source, actor, updated_at)
  SELECT u.name, u.lim, u.period_ms, u.burst, 'template', NULL, date_trunc('milliseconds', now())
    FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::integer[]) AS u(name, lim, period_ms, burst)
   ORDER BY u.name
  ON CONFLICT (name) DO UPDATE SET "limit" = EXCLUDED."limit", period_ms = EXCLUDED.period_ms,
                                   burst = EXCLUDED.burst, updated_at = EXCLUDED.updated_at
   WHERE r.source = 'template'
     AND (r."limit", r.period_ms, r.burst) IS DISTINCT FROM (EXCLUDED."limit", EXCLUDED.period_ms, EXCLUDED.burst);

-- setRateLimit (tasker_set_rate_limit)
WITH set AS (
    INSERT INTO "tasker".rate_limits AS r (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES ($1, $2, $3, $4, 'operator', $5, date_trunc('milliseconds', now()))
    ON CONFLICT (name) DO UPDATE SET "limit" = EXCLUDED."limit", period_ms = EXCLUDED.period_ms, burst = EXCLUDED.burst,
                                     source = 'operator', actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at
    RETURNING name
  )
  UPDATE "tasker".steps SET ready_at = date_trunc('milliseconds', now())
   WHERE rate_wait = 1 AND ready_at > now() AND (rate_key = $1 OR left(rate_key, length($1) + 1) = $1 || ':')
     AND EXISTS (SELECT 1 FROM set);

-- listRateLimits (tasker_list_rate_limits)
SELECT l.name, l."limit" AS lim, l.period_ms::float8 AS period_ms, l.burst, l.source,
         (round(extract(epoch from l.updated_at) * 1000))::float8 AS updated_at,
         (SELECT count(*)::integer FROM "tasker".rate_buckets b WHERE b.name = l.name) AS buckets,
         (SELECT count(*)::integer FROM "tasker".steps s
           WHERE s.rate_wait = 1 AND (s.rate_key = l.name OR left(s.rate_key, length(l.name) + 1) = l.name || ':'))
           AS waiting
    FROM "tasker".rate_limits l WHERE $1::text IS NULL OR l.name = $1 ORDER BY l.name;
