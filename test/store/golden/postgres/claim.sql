-- claim (tasker_claim)

  WITH picked AS (
    SELECT s.step_id, s.state AS from_state, s.ready_at AS was_ready_at, s.priority, t.namespace, t.task_name,
           t.version, t.correlation_id, t.needs_plan, t.run
      FROM "tasker".steps s
      -- one task lookup per candidate, by primary key (LATERAL … OFFSET 0 keeps the planner from scanning every
      -- running task per candidate when its statistics lag behind a burst of new tasks)
      CROSS JOIN LATERAL (
        SELECT t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, t.run FROM "tasker".tasks t
         WHERE t.task_id = s.task_id AND t.state IN ('running', 'pending')
           AND ($4::text[] IS NULL OR t.namespace = ANY($4::text[]))
           AND ($5::text[] IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY($5::text[]))
        OFFSET 0
      ) t
     WHERE s.ready_at <= now() AND s.rate_key IS NULL
     ORDER BY s.priority DESC, s.ready_at, s.step_id
     LIMIT $2
       FOR NO KEY UPDATE OF s SKIP LOCKED
  ), claimed AS (
    UPDATE "tasker".steps s
       SET state = 'running', attempts = s.attempts + 1, locked_by = $1,
           lease_expires_at = (date_trunc('milliseconds', now()) + ($3)::float8 * interval '1 millisecond'),
           started_at = date_trunc('milliseconds', now()), ready_at = NULL, completed_at = NULL, duration_ms = NULL
      FROM picked p
     WHERE s.step_id = p.step_id
    RETURNING s.step_id, s.task_id, s.name, s.handler_class, s.attempts, s.retry_limit, s.retryable, s.timeout_ms,
              p.from_state, p.was_ready_at, p.priority, p.namespace, p.task_name, p.version, p.correlation_id,
              p.needs_plan, p.run
  ), first_claims AS (
    -- tasks this claim starts, locked in id order so two claimers starting the same tasks never deadlock; a task
    -- another claimer started meanwhile drops out when its lock is granted (started_at is re-checked); one held back
    -- until now (pending) moves to running
    -- (one probe by primary key per task, parameterised by LATERAL … OFFSET 0: never a scan of the tasks, whatever
    -- the statistics say; "= ANY(array)" was planned as a scan while the table looked small, and a prepared
    -- statement kept that plan as the table grew)
    SELECT t.task_id, t.state
      FROM (SELECT DISTINCT c.task_id FROM claimed c ORDER BY c.task_id) c
      CROSS JOIN LATERAL (
        SELECT t.task_id, t.state FROM "tasker".tasks t WHERE t.task_id = c.task_id AND t.started_at IS NULL OFFSET 0
      ) t
     ORDER BY t.task_id
       FOR NO KEY UPDATE OF t
  ), started AS (
    UPDATE "tasker".tasks t SET started_at = date_trunc('milliseconds', now()),
           state = CASE WHEN t.state = 'pending' THEN 'running' ELSE t.state END
      FROM first_claims f WHERE t.task_id = f.task_id
    RETURNING t.task_id
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    (SELECT f.task_id, NULL, 'pending', 'running', date_trunc('milliseconds', now()), 'started', NULL, $1
       FROM first_claims f WHERE f.state = 'pending' ORDER BY f.task_id)
    UNION ALL
    (SELECT c.task_id, c.step_id, c.from_state, 'running', date_trunc('milliseconds', now()), 'claimed', c.attempts, $1
       FROM claimed c ORDER BY c.priority DESC, c.was_ready_at, c.step_id)
  )
  SELECT r.*,
         -- the step that started its task carries the task's context: the worker has never seen it (one probe by
         -- primary key, instead of the worker's read before the handler runs)
         CASE WHEN r.task_started THEN (
           SELECT json_build_object('context', t.context, 'initiator', t.initiator, 'source_system', t.source_system,
                    'reason', t.reason, 'tags', t.tags, 'trace_context', t.trace_context,
                    'scheduled_for', (round(extract(epoch from t.scheduled_for) * 1000))::float8)
             FROM "tasker".tasks t WHERE t.task_id = r.task_id) END AS task_context
    FROM (
  SELECT c.step_id, c.task_id, c.namespace, c.task_name, c.version, c.correlation_id,
         c.name, c.handler_class, c.attempts AS attempt, c.retry_limit, c.retryable, c.timeout_ms, c.needs_plan, c.run,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS started_at,
         (c.task_id IN (SELECT task_id FROM started)
           AND row_number() OVER (PARTITION BY c.task_id ORDER BY c.was_ready_at, c.step_id) = 1)
           AS task_started,
         (round(extract(epoch from c.was_ready_at) * 1000))::float8 AS ready_at, c.priority AS claim_priority,
         c.was_ready_at AS claim_ready_at
    FROM claimed c) r
   ORDER BY r.claim_priority DESC, r.claim_ready_at, r.step_id;

-- claimGranted (tasker_claim_granted)

  WITH picked AS (
    SELECT s.step_id, s.state AS from_state, s.ready_at AS was_ready_at, s.priority, t.namespace, t.task_name,
           t.version, t.correlation_id, t.needs_plan, t.run
      FROM "tasker".steps s
      -- one task lookup per candidate, by primary key (LATERAL … OFFSET 0 keeps the planner from scanning every
      -- running task per candidate when its statistics lag behind a burst of new tasks)
      CROSS JOIN LATERAL (
        SELECT t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, t.run FROM "tasker".tasks t
         WHERE t.task_id = s.task_id AND t.state IN ('running', 'pending')
           AND ($4::text[] IS NULL OR t.namespace = ANY($4::text[]))
           AND ($5::text[] IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY($5::text[]))
        OFFSET 0
      ) t
     WHERE s.step_id = ANY($2::bigint[])
     ORDER BY s.priority DESC, s.ready_at, s.step_id
       FOR NO KEY UPDATE OF s
  ), claimed AS (
    UPDATE "tasker".steps s
       SET state = 'running', attempts = s.attempts + 1, locked_by = $1,
           lease_expires_at = (date_trunc('milliseconds', now()) + ($3)::float8 * interval '1 millisecond'),
           started_at = date_trunc('milliseconds', now()), ready_at = NULL, completed_at = NULL, duration_ms = NULL, rate_wait = NULL
      FROM picked p
     WHERE s.step_id = p.step_id
    RETURNING s.step_id, s.task_id, s.name, s.handler_class, s.attempts, s.retry_limit, s.retryable, s.timeout_ms,
              p.from_state, p.was_ready_at, p.priority, p.namespace, p.task_name, p.version, p.correlation_id,
              p.needs_plan, p.run
  ), first_claims AS (
    -- tasks this claim starts, locked in id order so two claimers starting the same tasks never deadlock; a task
    -- another claimer started meanwhile drops out when its lock is granted (started_at is re-checked); one held back
    -- until now (pending) moves to running
    -- (one probe by primary key per task, parameterised by LATERAL … OFFSET 0: never a scan of the tasks, whatever
    -- the statistics say; "= ANY(array)" was planned as a scan while the table looked small, and a prepared
    -- statement kept that plan as the table grew)
    SELECT t.task_id, t.state
      FROM (SELECT DISTINCT c.task_id FROM claimed c ORDER BY c.task_id) c
      CROSS JOIN LATERAL (
        SELECT t.task_id, t.state FROM "tasker".tasks t WHERE t.task_id = c.task_id AND t.started_at IS NULL OFFSET 0
      ) t
     ORDER BY t.task_id
       FOR NO KEY UPDATE OF t
  ), started AS (
    UPDATE "tasker".tasks t SET started_at = date_trunc('milliseconds', now()),
           state = CASE WHEN t.state = 'pending' THEN 'running' ELSE t.state END
      FROM first_claims f WHERE t.task_id = f.task_id
    RETURNING t.task_id
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    (SELECT f.task_id, NULL, 'pending', 'running', date_trunc('milliseconds', now()), 'started', NULL, $1
       FROM first_claims f WHERE f.state = 'pending' ORDER BY f.task_id)
    UNION ALL
    (SELECT c.task_id, c.step_id, c.from_state, 'running', date_trunc('milliseconds', now()), 'claimed', c.attempts, $1
       FROM claimed c ORDER BY c.priority DESC, c.was_ready_at, c.step_id)
  )
  SELECT r.*,
         -- the step that started its task carries the task's context: the worker has never seen it (one probe by
         -- primary key, instead of the worker's read before the handler runs)
         CASE WHEN r.task_started THEN (
           SELECT json_build_object('context', t.context, 'initiator', t.initiator, 'source_system', t.source_system,
                    'reason', t.reason, 'tags', t.tags, 'trace_context', t.trace_context,
                    'scheduled_for', (round(extract(epoch from t.scheduled_for) * 1000))::float8)
             FROM "tasker".tasks t WHERE t.task_id = r.task_id) END AS task_context
    FROM (
  SELECT c.step_id, c.task_id, c.namespace, c.task_name, c.version, c.correlation_id,
         c.name, c.handler_class, c.attempts AS attempt, c.retry_limit, c.retryable, c.timeout_ms, c.needs_plan, c.run,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS started_at,
         (c.task_id IN (SELECT task_id FROM started)
           AND row_number() OVER (PARTITION BY c.task_id ORDER BY c.was_ready_at, c.step_id) = 1)
           AS task_started,
         (round(extract(epoch from c.was_ready_at) * 1000))::float8 AS ready_at, c.priority AS claim_priority,
         c.was_ready_at AS claim_ready_at
    FROM claimed c) r
   ORDER BY r.claim_priority DESC, r.claim_ready_at, r.step_id;
