// Rate limits on PostgreSQL (../rate-limits.ts): the rate claim's candidates and buckets, the waits of the steps
// denied a token, a handler's RateLimitedError (the attempt handed back uncounted), and the limits themselves.
// Buckets are locked in key order (an upsert in that order takes each row lock in turn), so two rate claims never
// deadlock on them and never both take the last token; candidates are locked with SKIP LOCKED, as in the claim.
import { statement } from './statement.js';

/**
 * Whether any rate-limited step is claimable now, whatever its namespace or template (one indexed probe, outside a
 * transaction): the rate claim opens its transaction only when one is. Row: one, or none.
 */
export const rateReady = statement(
  'rate_ready',
  (n) => `SELECT 1 AS ready FROM ${n.q}.steps s WHERE s.ready_at <= now() AND s.rate_key IS NOT NULL LIMIT 1`,
);

/**
 * Ready rate-limited steps, in claim order, locked (SKIP LOCKED): $1 limit, $2 namespaces, $3 template keys (as in
 * the claim). Rows: step_id, task_id, rate_key, now_ms (the transaction's clock, epoch ms).
 */
export const rateCandidates = statement(
  'rate_candidates',
  (n) => `SELECT s.step_id, s.task_id, s.rate_key,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS now_ms
    FROM ${n.q}.steps s
   CROSS JOIN LATERAL (
     SELECT 1 FROM ${n.q}.tasks t
      WHERE t.task_id = s.task_id AND t.state IN ('running', 'pending')
        AND ($2::text[] IS NULL OR t.namespace = ANY($2::text[]))
        AND ($3::text[] IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY($3::text[]))
     OFFSET 0
   ) t
   WHERE s.ready_at <= now() AND s.rate_key IS NOT NULL
   ORDER BY s.priority DESC, s.ready_at, s.step_id
   LIMIT $1
     FOR NO KEY UPDATE OF s SKIP LOCKED`,
);

/**
 * Lock buckets $1 (text[], in key order; $2 their limit names), creating missing ones full as of $3 (epoch ms).
 * Buckets of a limit no row defines are neither created nor returned. Rows: key, tokens, refilled_at, lim,
 * period_ms, burst.
 */
export const lockBuckets = statement(
  'lock_buckets',
  (n) => `WITH b AS (
    INSERT INTO ${n.q}.rate_buckets AS b (bucket_key, name, tokens, refilled_at)
    SELECT k.bucket_key, k.name, l.burst + 1, $3::float8
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(bucket_key, name, ord)
      JOIN ${n.q}.rate_limits l ON l.name = k.name
     ORDER BY k.ord
    ON CONFLICT (bucket_key) DO UPDATE SET name = b.name
    RETURNING b.bucket_key, b.name, b.tokens, b.refilled_at
  )
  SELECT b.bucket_key AS key, b.tokens, b.refilled_at, l."limit" AS lim, l.period_ms::float8 AS period_ms, l.burst
    FROM b JOIN ${n.q}.rate_limits l ON l.name = b.name`,
);

/** Buckets $1 (text[]) hold tokens $2 (float8[]) as of $3 (float8[], epoch ms). */
export const writeBuckets = statement(
  'write_buckets',
  (n) => `UPDATE ${n.q}.rate_buckets b SET tokens = u.tokens, refilled_at = u.at
    FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(bucket_key, tokens, at)
   WHERE b.bucket_key = u.bucket_key`,
);

/**
 * Steps $1 (bigint[]) denied a token look again at $2 (float8[], epoch ms), waiting for one (locked by this
 * transaction's candidate pick). The task's `waiting_for` is not written: concurrency limits read a NULL one as
 * "may run"; a task that has not started shows `rate_limit` when read (../reads.ts).
 */
export const denySteps = statement(
  'deny_steps',
  (n) => `UPDATE ${n.q}.steps s SET ready_at = 'epoch'::timestamptz + u.at * interval '1 millisecond', rate_wait = 1
    FROM unnest($1::bigint[], $2::float8[]) AS u(step_id, at)
   WHERE s.step_id = u.step_id`,
);

/**
 * Attempts a handler reported rate-limited (RateLimitedError), applied where worker $5 still holds them: arrays of
 * $1 step ids, $2 task ids, $3 attempts, $4 retry-after in ms, $6 the caller's order. Each goes back uncounted
 * (pending, or retrying if it was), ready after its delay (NULL in a paused task), waiting for `rate_limit`, with a
 * history row (reason rate_limited). Tasks are locked first, in id order, as in the completion.
 * Rows: step_id, rate_key, delay_ms, now_ms.
 */
export const rateLimitedSteps = statement(
  'rate_limited_steps',
  (n) => `WITH o AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::float8[], $6::integer[])
      AS o(step_id, task_id, attempt, delay_ms, ord)
  ), locked AS (
    SELECT t.task_id, t.paused FROM ${n.q}.tasks t WHERE t.task_id = ANY($2::bigint[]) ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), upd AS (
    UPDATE ${n.q}.steps s
       SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = s.attempts - 1,
           ready_at = CASE WHEN p.paused <> 0 THEN NULL
                           ELSE date_trunc('milliseconds', now()) + o.delay_ms * interval '1 millisecond' END,
           rate_wait = 1, locked_by = NULL, lease_expires_at = NULL
      FROM o JOIN locked p ON p.task_id = o.task_id
     WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = 'running' AND s.locked_by = $5
       AND s.attempts = o.attempt
    RETURNING s.step_id, s.task_id, s.state, s.rate_key, o.attempt, o.delay_ms, o.ord
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, step_id, 'running', state, date_trunc('milliseconds', now()), 'rate_limited', attempt, $5
      FROM upd ORDER BY ord
  )
  SELECT step_id, rate_key, delay_ms,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS now_ms
    FROM upd`,
);

/**
 * Limits templates declare: arrays of $1 names (distinct, in name order), $2 limits, $3 periods (ms), $4 bursts.
 * An operator's row is never overwritten; a template's changes only when the declaration does.
 */
export const declareRateLimits = statement(
  'declare_rate_limits',
  (n) => `INSERT INTO ${n.q}.rate_limits AS r (name, "limit", period_ms, burst, source, actor, updated_at)
  SELECT u.name, u.lim, u.period_ms, u.burst, 'template', NULL, date_trunc('milliseconds', now())
    FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::integer[]) AS u(name, lim, period_ms, burst)
   ORDER BY u.name
  ON CONFLICT (name) DO UPDATE SET "limit" = EXCLUDED."limit", period_ms = EXCLUDED.period_ms,
                                   burst = EXCLUDED.burst, updated_at = EXCLUDED.updated_at
   WHERE r.source = 'template'
     AND (r."limit", r.period_ms, r.burst) IS DISTINCT FROM (EXCLUDED."limit", EXCLUDED.period_ms, EXCLUDED.burst)`,
);

/**
 * An operator's limit: $1 name, $2 limit, $3 period (ms), $4 burst, $5 actor. It overrides templates from now on, and
 * the steps waiting for a token of it look again now (their times were given under the old limit).
 */
export const setRateLimit = statement(
  'set_rate_limit',
  (n) => `WITH set AS (
    INSERT INTO ${n.q}.rate_limits AS r (name, "limit", period_ms, burst, source, actor, updated_at)
    VALUES ($1, $2, $3, $4, 'operator', $5, date_trunc('milliseconds', now()))
    ON CONFLICT (name) DO UPDATE SET "limit" = EXCLUDED."limit", period_ms = EXCLUDED.period_ms, burst = EXCLUDED.burst,
                                     source = 'operator', actor = EXCLUDED.actor, updated_at = EXCLUDED.updated_at
    RETURNING name
  )
  UPDATE ${n.q}.steps SET ready_at = date_trunc('milliseconds', now())
   WHERE rate_wait = 1 AND ready_at > now() AND (rate_key = $1 OR left(rate_key, length($1) + 1) = $1 || ':')
     AND EXISTS (SELECT 1 FROM set)`,
);

/**
 * Every limit (or only $1, when not NULL) with its buckets and the steps waiting for a token, by name. Rows: name,
 * lim, period_ms, burst, source, updated_at (epoch ms), buckets, waiting.
 */
export const listRateLimits = statement(
  'list_rate_limits',
  (n) => `SELECT l.name, l."limit" AS lim, l.period_ms::float8 AS period_ms, l.burst, l.source,
         (round(extract(epoch from l.updated_at) * 1000))::float8 AS updated_at,
         (SELECT count(*)::integer FROM ${n.q}.rate_buckets b WHERE b.name = l.name) AS buckets,
         (SELECT count(*)::integer FROM ${n.q}.steps s
           WHERE s.rate_wait = 1 AND (s.rate_key = l.name OR left(s.rate_key, length(l.name) + 1) = l.name || ':'))
           AS waiting
    FROM ${n.q}.rate_limits l WHERE $1::text IS NULL OR l.name = $1 ORDER BY l.name`,
);
