-- expiredCandidates (tasker_expired_candidates)
SELECT s.step_id, s.task_id, s.name, s.attempts, s.retry_limit, s.retryable, s.locked_by,
              EXISTS (SELECT 1 FROM pg_locks l
                       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                         AND l.classid = hashtext($3)::oid AND l.objid = hashtext(s.locked_by)::oid) AS holder_alive
         FROM "tasker".steps s
        WHERE s.state = 'running' AND s.lease_expires_at < now() AND s.locked_by IS DISTINCT FROM $2
        ORDER BY s.lease_expires_at, s.step_id LIMIT $1;

-- heldByCandidates (tasker_held_by_candidates)
SELECT step_id, task_id, name, attempts, retry_limit, retryable, locked_by FROM "tasker".steps
        WHERE state = 'running' AND locked_by = ANY($1::text[])
        ORDER BY array_position($1::text[], locked_by), step_id;

-- reclaimApply (tasker_reclaim_apply)
WITH r AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::jsonb[], $6::text[])
           WITH ORDINALITY AS r(step_id, locked_by, attempt, target, error, reason, ord)
       ), upd AS (
         UPDATE "tasker".steps s SET
           state = CASE WHEN r.target <> 'release' THEN r.target WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END,
           attempts = CASE WHEN r.target = 'release' THEN s.attempts - 1 ELSE s.attempts END,
           error = CASE WHEN r.target = 'release' THEN s.error ELSE r.error END,
           locked_by = NULL, lease_expires_at = NULL,
           ready_at = CASE WHEN r.target IN ('retrying', 'release') THEN date_trunc('milliseconds', now()) END,
           completed_at = CASE WHEN r.target = 'failed' THEN date_trunc('milliseconds', now()) ELSE s.completed_at END,
           duration_ms = CASE WHEN r.target = 'release' THEN s.duration_ms WHEN s.started_at IS NULL THEN NULL
                         ELSE greatest(0, round(extract(epoch from date_trunc('milliseconds', now()) - s.started_at)
                                                * 1000))::integer END
         FROM r
         WHERE s.step_id = r.step_id AND s.state = 'running' AND s.locked_by = r.locked_by AND s.attempts = r.attempt
           AND (NOT $7::boolean OR s.lease_expires_at < now())
         RETURNING s.step_id, s.task_id, s.name, s.state, r.target, r.attempt, r.locked_by, r.error, r.reason, r.ord
       ), history AS (
         INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
         SELECT task_id, step_id, 'running', state, date_trunc('milliseconds', now()), reason, attempt, $8,
                CASE WHEN target = 'release' THEN NULL ELSE error END
           FROM upd ORDER BY ord
       )
       SELECT step_id, task_id, name, state, target, attempt, locked_by FROM upd ORDER BY ord;
