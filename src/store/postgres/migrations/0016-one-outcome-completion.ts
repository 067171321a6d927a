// PostgreSQL migration 16, frozen: the completion function for one outcome (issue 16, W3), expand-only (workers of
// the previous release keep calling complete_steps_v6, which stays).
// - complete_steps_v7: complete_steps_v6 with a path for the commonest call, one completed step of a task that is
//   neither paused nor gated and prunes nothing (each link of a chain, each one-step task completed alone): the task
//   lock, the step's update, its history row, the release of its children and the task's counters become plain
//   statements on primary keys instead of the batch statements over unnested arrays (same rows, same values, same
//   order of history rows). On that path it NOTIFYs only when a step it readied was left unclaimed (v6 also
//   NOTIFYed whenever its claim came back full, so a chain at concurrency 1 woke every listener on every link).
// - Its claim also hands over the context of each task it starts (as the plain claim does since the claim
//   handover), so a worker that claims through its completions does not read them before the handlers run.
//
// Shipped SQL: never edit it; a change is a new numbered migration with a new function name. Only the schema name
// and its NOTIFY channel are substituted.
import type { SchemaNames } from '../sql.js';

export const migration0016 = (n: SchemaNames): string[] => [
  `
CREATE FUNCTION ${n.q}.complete_steps_v7(p_step_ids bigint[], p_task_ids bigint[], p_attempts integer[], p_kinds text[], p_results jsonb[], p_errors jsonb[], p_delays float8[], p_ord integer[], p_worker text, p_prune_task bigint[], p_prune_name text[], p_prune_by bigint[], p_prune_attempt integer[], p_prune_ord integer[], p_claim_limit integer, p_lease_ms integer, p_namespaces text[], p_templates text[])
RETURNS json LANGUAGE plpgsql AS $tasker$
DECLARE
  v_skipped json := '[]';
  v_applied bigint[] := '{}';
  v_d_task bigint[] := '{}';
  v_d_open integer[] := '{}';
  v_d_sat integer[] := '{}';
  v_sat bigint[] := '{}';
  v_a_task bigint[] := '{}';
  v_a_open integer[] := '{}';
  v_a_sat integer[] := '{}';
  v_a_completed bigint[] := '{}';
  v_ready integer := 0;
  v_readied integer := 0;
  v_finalized json := '[]';
  v_claimed json := '[]';
  v_claimed_n integer := 0;
  v_paused bigint[];
  v_gated bigint[];
  v_old_state text;
  v_one boolean := false;
  v_readied_ids bigint[] := '{}';
  v_claimed_ids bigint[] := '{}';
  v_fin json;
  v_new_state text;
  v_wake boolean;
BEGIN
  -- the outcomes' tasks, locked in id order so concurrent completions never deadlock on each other; those paused
  -- (flow control) get nothing made claimable: their retries, releases and readied children keep ready_at NULL;
  -- those with concurrency limits have their slots reconciled below, before anything is claimed
  IF cardinality(p_task_ids) = 1 THEN
    SELECT CASE WHEN paused <> 0 THEN ARRAY[task_id] ELSE '{}' END, CASE WHEN gates THEN ARRAY[task_id] ELSE '{}' END,
           state
      INTO v_paused, v_gated, v_old_state
      FROM ${n.q}.tasks WHERE task_id = p_task_ids[1] FOR NO KEY UPDATE;
    v_paused := coalesce(v_paused, '{}');
    v_gated := coalesce(v_gated, '{}');
    -- one completed step of a task neither paused nor gated, with nothing to prune (a chain's link, a one-step task):
    -- the same writes as the batch statements below, as plain statements on primary keys
    v_one := p_kinds[1] = 'completed' AND cardinality(p_prune_task) = 0 AND v_old_state IS NOT NULL
             AND cardinality(v_paused) = 0 AND cardinality(v_gated) = 0;
  ELSE
    SELECT coalesce(array_agg(x.task_id) FILTER (WHERE x.paused <> 0), '{}'),
           coalesce(array_agg(x.task_id) FILTER (WHERE x.gates), '{}')
      INTO v_paused, v_gated
      FROM (SELECT task_id, paused, gates FROM ${n.q}.tasks WHERE task_id = ANY(p_task_ids) ORDER BY task_id
               FOR NO KEY UPDATE) x;
  END IF;

  IF v_one THEN
    UPDATE ${n.q}.steps s SET state = 'completed', results = p_results[1], error = NULL, ready_at = NULL,
           completed_at = date_trunc('milliseconds', now()),
           duration_ms = CASE WHEN s.started_at IS NULL THEN NULL
             ELSE greatest(0, round(extract(epoch from date_trunc('milliseconds', now()) - s.started_at) * 1000))::integer END,
           locked_by = NULL, lease_expires_at = NULL
     WHERE s.step_id = p_step_ids[1] AND s.task_id = p_task_ids[1] AND s.state = 'running' AND s.locked_by = p_worker
       AND s.attempts = p_attempts[1];
    IF FOUND THEN
      v_applied := ARRAY[p_step_ids[1]];
      INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
      VALUES (p_task_ids[1], p_step_ids[1], 'running', 'completed', date_trunc('milliseconds', now()), 'completed',
              p_attempts[1], p_worker, NULL);
      -- its children, each one parent fewer; those left with none are readied (claimable: the task is not paused)
      -- (by primary key from the edges' ids: never a join the planner could turn into a scan of every step while the
      -- table's statistics lag behind)
      WITH children AS (
        UPDATE ${n.q}.steps s SET unmet = s.unmet - 1,
               ready_at = CASE WHEN s.state = 'pending' AND s.unmet = 1 THEN date_trunc('milliseconds', now())
                          ELSE s.ready_at END
         WHERE s.step_id = ANY(ARRAY(SELECT e.child_step_id FROM ${n.q}.step_edges e
                                      WHERE e.parent_step_id = p_step_ids[1]))
        RETURNING s.step_id, (s.state = 'pending' AND s.unmet = 0) AS readied
      )
      SELECT coalesce(array_agg(step_id) FILTER (WHERE readied), '{}') INTO v_readied_ids FROM children;
      v_readied := cardinality(v_readied_ids);
      UPDATE ${n.q}.tasks t SET
        open_steps = t.open_steps - 1 + v_readied,
        satisfied_steps = t.satisfied_steps + 1,
        state = CASE WHEN t.state = 'running' AND t.open_steps - 1 + v_readied = 0 THEN
                  CASE WHEN t.satisfied_steps + 1 >= t.step_count THEN 'completed' ELSE 'failed' END
                ELSE t.state END,
        completed_at = CASE WHEN t.state = 'running' AND t.open_steps - 1 + v_readied = 0
                       THEN date_trunc('milliseconds', now()) ELSE t.completed_at END
       WHERE t.task_id = p_task_ids[1]
      RETURNING CASE WHEN v_old_state = 'running' AND t.state <> 'running' THEN json_build_array(json_build_object(
                  'task_id', t.task_id, 'namespace', t.namespace, 'name', t.name, 'version', t.version,
                  'correlation_id', t.correlation_id, 'run', t.run, 'state', t.state,
                  'created_at', (round(extract(epoch from t.created_at) * 1000))::float8,
                  'started_at', (round(extract(epoch from t.started_at) * 1000))::float8,
                  'completed_at', (round(extract(epoch from t.completed_at) * 1000))::float8,
                  'step_count', t.step_count, 'ord', 1)) END, t.state
        INTO v_fin, v_new_state;
      IF v_fin IS NOT NULL THEN
        v_finalized := v_fin;
        INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
        VALUES (p_task_ids[1], NULL, 'running', v_new_state, date_trunc('milliseconds', now()),
                CASE v_new_state WHEN 'completed' THEN 'all steps completed, skipped or resolved'
                                 ELSE 'a step failed and nothing else can run' END, NULL, p_worker);
      END IF;
    END IF;
  END IF;
  
  IF cardinality(p_prune_task) > 0 THEN
    WITH p AS (
      SELECT * FROM unnest(p_prune_task, p_prune_name, p_prune_by, p_prune_attempt, p_prune_ord)
        AS p(task_id, name, by_step_id, by_attempt, ord)
    ), target AS (
      SELECT s.step_id, s.unmet, s.attempts, 'routed away by ' || by_step.name || '' AS reason, p.ord
        FROM p
        JOIN ${n.q}.steps by_step ON by_step.step_id = p.by_step_id AND by_step.task_id = p.task_id
         AND by_step.state = 'running' AND by_step.locked_by = p_worker AND by_step.attempts = p.by_attempt
        JOIN ${n.q}.steps s ON s.task_id = p.task_id AND s.name = p.name
       WHERE s.state = 'pending'
    ), upd AS (
      UPDATE ${n.q}.steps s
         SET state = 'skipped', completed_at = date_trunc('milliseconds', now()), ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        FROM target
       WHERE s.step_id = target.step_id AND s.state = 'pending'
      RETURNING s.step_id, s.task_id, s.name, target.unmet, target.attempts, target.reason, target.ord
    ), history AS (
      INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
      SELECT task_id, step_id, 'pending', 'skipped', date_trunc('milliseconds', now()), reason, attempts, p_worker FROM upd ORDER BY ord
    )
    SELECT coalesce(json_agg(json_build_object('step_id', step_id, 'task_id', task_id, 'name', name) ORDER BY ord), '[]'),
           coalesce(array_agg(task_id ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN unmet = 0 THEN -1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(1 ORDER BY ord), '{}'),
           coalesce(array_agg(step_id ORDER BY ord), '{}')
      INTO v_skipped, v_d_task, v_d_open, v_d_sat, v_sat
      FROM upd;
  END IF;
  
  IF v_one THEN
    NULL; -- applied above
  ELSIF cardinality(p_step_ids) > 8 THEN
    EXECUTE '
    WITH o AS (
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::integer[]) AS o(step_id, task_id, attempt, kind, results, error, delay_ms, ord)
    ), upd AS (
      UPDATE ${n.q}.steps s SET
        state = CASE o.kind WHEN ''completed'' THEN ''completed'' WHEN ''failed'' THEN ''failed'' WHEN ''retry'' THEN ''retrying''
                            ELSE CASE WHEN s.attempts > 1 THEN ''retrying'' ELSE ''pending'' END END,
        attempts = CASE WHEN o.kind = ''released'' THEN s.attempts - 1 ELSE s.attempts END,
        results = CASE WHEN o.kind = ''completed'' THEN o.results ELSE s.results END,
        error = CASE o.kind WHEN ''completed'' THEN NULL WHEN ''released'' THEN s.error ELSE o.error END,
        ready_at = CASE WHEN o.task_id = ANY($10) THEN NULL
                        WHEN o.kind = ''retry'' THEN (date_trunc(''milliseconds'', now()) + (ceil(greatest(o.delay_ms, 0)))::float8 * interval ''1 millisecond'')
                        WHEN o.kind = ''released'' THEN date_trunc(''milliseconds'', now()) ELSE NULL END,
        completed_at = CASE WHEN o.kind IN (''completed'', ''failed'') THEN date_trunc(''milliseconds'', now()) ELSE s.completed_at END,
        duration_ms = CASE WHEN o.kind = ''released'' THEN s.duration_ms ELSE CASE WHEN s.started_at IS NULL THEN NULL
    ELSE greatest(0, round(extract(epoch from date_trunc(''milliseconds'', now()) - s.started_at) * 1000))::integer END END,
        locked_by = NULL, lease_expires_at = NULL
      FROM o
      WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = ''running'' AND s.locked_by = $9
        AND s.attempts = o.attempt
      RETURNING s.step_id, s.task_id, s.state, o.kind, o.attempt, o.error, o.ord,
                (s.ready_at IS NOT NULL AND s.ready_at <= now()) AS ready_now
    ), history AS (
      INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
      SELECT task_id, step_id, ''running'', state, date_trunc(''milliseconds'', now()),
             CASE kind WHEN ''completed'' THEN ''completed'' WHEN ''retry'' THEN ''retry scheduled''
                       WHEN ''failed'' THEN ''failed'' ELSE ''released'' END,
             attempt, $9, CASE WHEN kind IN (''retry'', ''failed'') THEN error END
        FROM upd ORDER BY ord
    )
    SELECT coalesce(array_agg(step_id), ''{}''),
           coalesce(array_agg(task_id ORDER BY ord), ''{}''),
           coalesce(array_agg(CASE WHEN kind IN (''completed'', ''failed'') THEN -1 ELSE 0 END ORDER BY ord), ''{}''),
           coalesce(array_agg(CASE WHEN kind = ''completed'' THEN 1 ELSE 0 END ORDER BY ord), ''{}''),
           coalesce(array_agg(step_id ORDER BY ord) FILTER (WHERE kind = ''completed''), ''{}''),
           count(*) FILTER (WHERE ready_now)
      
      FROM upd' INTO v_applied, v_a_task, v_a_open, v_a_sat, v_a_completed, v_ready USING p_step_ids, p_task_ids, p_attempts, p_kinds, p_results, p_errors, p_delays, p_ord, p_worker, v_paused;
  ELSIF cardinality(p_step_ids) > 0 THEN
    
    WITH o AS (
      SELECT * FROM unnest(p_step_ids, p_task_ids, p_attempts, p_kinds, p_results, p_errors, p_delays, p_ord) AS o(step_id, task_id, attempt, kind, results, error, delay_ms, ord)
    ), upd AS (
      UPDATE ${n.q}.steps s SET
        state = CASE o.kind WHEN 'completed' THEN 'completed' WHEN 'failed' THEN 'failed' WHEN 'retry' THEN 'retrying'
                            ELSE CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END END,
        attempts = CASE WHEN o.kind = 'released' THEN s.attempts - 1 ELSE s.attempts END,
        results = CASE WHEN o.kind = 'completed' THEN o.results ELSE s.results END,
        error = CASE o.kind WHEN 'completed' THEN NULL WHEN 'released' THEN s.error ELSE o.error END,
        ready_at = CASE WHEN o.task_id = ANY(v_paused) THEN NULL
                        WHEN o.kind = 'retry' THEN (date_trunc('milliseconds', now()) + (ceil(greatest(o.delay_ms, 0)))::float8 * interval '1 millisecond')
                        WHEN o.kind = 'released' THEN date_trunc('milliseconds', now()) ELSE NULL END,
        completed_at = CASE WHEN o.kind IN ('completed', 'failed') THEN date_trunc('milliseconds', now()) ELSE s.completed_at END,
        duration_ms = CASE WHEN o.kind = 'released' THEN s.duration_ms ELSE CASE WHEN s.started_at IS NULL THEN NULL
    ELSE greatest(0, round(extract(epoch from date_trunc('milliseconds', now()) - s.started_at) * 1000))::integer END END,
        locked_by = NULL, lease_expires_at = NULL
      FROM o
      WHERE s.step_id = o.step_id AND s.task_id = o.task_id AND s.state = 'running' AND s.locked_by = p_worker
        AND s.attempts = o.attempt
      RETURNING s.step_id, s.task_id, s.state, o.kind, o.attempt, o.error, o.ord,
                (s.ready_at IS NOT NULL AND s.ready_at <= now()) AS ready_now
    ), history AS (
      INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
      SELECT task_id, step_id, 'running', state, date_trunc('milliseconds', now()),
             CASE kind WHEN 'completed' THEN 'completed' WHEN 'retry' THEN 'retry scheduled'
                       WHEN 'failed' THEN 'failed' ELSE 'released' END,
             attempt, p_worker, CASE WHEN kind IN ('retry', 'failed') THEN error END
        FROM upd ORDER BY ord
    )
    SELECT coalesce(array_agg(step_id), '{}'),
           coalesce(array_agg(task_id ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN kind IN ('completed', 'failed') THEN -1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(CASE WHEN kind = 'completed' THEN 1 ELSE 0 END ORDER BY ord), '{}'),
           coalesce(array_agg(step_id ORDER BY ord) FILTER (WHERE kind = 'completed'), '{}'),
           count(*) FILTER (WHERE ready_now)
      INTO v_applied, v_a_task, v_a_open, v_a_sat, v_a_completed, v_ready
      FROM upd;
  END IF;
  v_d_task := v_d_task || v_a_task;
  v_d_open := v_d_open || v_a_open;
  v_d_sat := v_d_sat || v_a_sat;
  v_sat := v_sat || v_a_completed;
  
  IF NOT v_one AND (cardinality(v_d_task) > 0 OR cardinality(v_sat) > 0) THEN
    
  WITH sat AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.q}.step_edges e WHERE e.parent_step_id = ANY(v_sat)
     GROUP BY e.child_step_id
  ), children AS (
    UPDATE ${n.q}.steps s
       SET unmet = s.unmet - sat.k,
           ready_at = CASE WHEN s.state = 'pending' AND s.unmet = sat.k AND s.task_id <> ALL(v_paused)
                      THEN date_trunc('milliseconds', now()) ELSE s.ready_at END
      FROM sat WHERE s.step_id = sat.step_id
    RETURNING s.task_id, (s.state = 'pending' AND s.unmet = 0) AS readied, s.ready_at IS NOT NULL AS claimable
  ), readied AS (
    -- n: open steps to count (held ones too: they still run after a resume); c: claimable now (the wake-up hint)
    SELECT task_id, count(*)::integer AS n, count(*) FILTER (WHERE claimable)::integer AS c
      FROM children WHERE readied GROUP BY task_id
  ), given AS (
    SELECT * FROM (SELECT x.task_id, sum(x.open_delta)::integer AS open_delta, sum(x.sat)::integer AS satisfied_delta,
                    min(x.ord)::integer AS ord
               FROM unnest(v_d_task, v_d_open, v_d_sat) WITH ORDINALITY AS x(task_id, open_delta, sat, ord)
              GROUP BY x.task_id) g
  ), d AS (
    -- children belong to their parents' tasks, so every readied task is given; the full join is a safety net
    SELECT coalesce(g.task_id, r.task_id) AS task_id, coalesce(g.open_delta, 0) + coalesce(r.n, 0) AS open_delta,
           coalesce(g.satisfied_delta, 0) AS satisfied_delta, coalesce(g.ord, 2147483647) AS ord,
           coalesce(r.c, 0) AS readied
      FROM given g FULL JOIN readied r ON r.task_id = g.task_id
  ), before AS (
    -- the caller locked these rows earlier in the transaction, so this read is current
    SELECT t.task_id, t.state AS old_state FROM ${n.q}.tasks t WHERE t.task_id IN (SELECT task_id FROM d)
  ), upd AS (
    UPDATE ${n.q}.tasks t SET
      open_steps = t.open_steps + d.open_delta,
      satisfied_steps = t.satisfied_steps + d.satisfied_delta,
      state = CASE WHEN t.state = 'running' AND t.open_steps + d.open_delta = 0 THEN
                CASE WHEN t.satisfied_steps + d.satisfied_delta >= t.step_count THEN 'completed' ELSE 'failed' END
              ELSE t.state END,
      completed_at = CASE WHEN t.state = 'running' AND t.open_steps + d.open_delta = 0 THEN date_trunc('milliseconds', now()) ELSE t.completed_at END
    FROM d JOIN before b ON b.task_id = d.task_id
    WHERE t.task_id = d.task_id
    RETURNING t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps,
    t.satisfied_steps, (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at, (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, (b.old_state = 'running' AND t.state <> 'running') AS finalized, d.ord, d.readied, t.run
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, 'running', state, date_trunc('milliseconds', now()),
           CASE state WHEN 'completed' THEN 'all steps completed, skipped or resolved' ELSE 'a step failed and nothing else can run' END, NULL, p_worker
      FROM upd WHERE finalized ORDER BY ord, task_id
  )
    SELECT coalesce((SELECT json_agg(f ORDER BY f.ord, f.task_id)
                       FROM (SELECT task_id, namespace, name, version, correlation_id, run, state, created_at, started_at, completed_at, step_count, ord FROM upd WHERE finalized) f), '[]'),
           coalesce((SELECT sum(readied) FROM upd), 0)
      INTO v_finalized, v_readied;
  END IF;
  IF cardinality(v_gated) > 0 THEN
    -- slots given back by finished steps and tasks go to the next in line; readied steps that need a slot queue
    v_ready := v_ready + ${n.q}.reconcile_gates_v1(v_gated, p_worker);
  END IF;
  IF p_claim_limit > 0 AND (p_namespaces IS NULL OR cardinality(p_namespaces) > 0)
     AND (p_templates IS NULL OR cardinality(p_templates) > 0) THEN
    
  WITH picked AS (
    SELECT s.step_id, s.state AS from_state, s.ready_at AS was_ready_at, s.priority, t.namespace, t.task_name,
           t.version, t.correlation_id, t.needs_plan, t.run
      FROM ${n.q}.steps s
      -- one task lookup per candidate, by primary key (LATERAL … OFFSET 0 keeps the planner from scanning every
      -- running task per candidate when its statistics lag behind a burst of new tasks)
      CROSS JOIN LATERAL (
        SELECT t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, t.run FROM ${n.q}.tasks t
         WHERE t.task_id = s.task_id AND t.state IN ('running', 'pending')
           AND (p_namespaces IS NULL OR t.namespace = ANY(p_namespaces))
           AND (p_templates IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(p_templates))
        OFFSET 0
      ) t
     WHERE s.ready_at <= now() AND s.rate_key IS NULL
     ORDER BY s.priority DESC, s.ready_at, s.step_id
     LIMIT p_claim_limit
       FOR NO KEY UPDATE OF s SKIP LOCKED
  ), claimed AS (
    UPDATE ${n.q}.steps s
       SET state = 'running', attempts = s.attempts + 1, locked_by = p_worker,
           lease_expires_at = (date_trunc('milliseconds', now()) + (p_lease_ms)::float8 * interval '1 millisecond'),
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
    SELECT t.task_id, t.state FROM ${n.q}.tasks t
     -- (by primary key: never a scan of the tasks)
     WHERE t.task_id = ANY(ARRAY(SELECT task_id FROM claimed)) AND t.started_at IS NULL
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), started AS (
    UPDATE ${n.q}.tasks t SET started_at = date_trunc('milliseconds', now()),
           state = CASE WHEN t.state = 'pending' THEN 'running' ELSE t.state END
      FROM first_claims f WHERE t.task_id = f.task_id
    RETURNING t.task_id
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    (SELECT f.task_id, NULL, 'pending', 'running', date_trunc('milliseconds', now()), 'started', NULL, p_worker
       FROM first_claims f WHERE f.state = 'pending' ORDER BY f.task_id)
    UNION ALL
    (SELECT c.task_id, c.step_id, c.from_state, 'running', date_trunc('milliseconds', now()), 'claimed', c.attempts, p_worker
       FROM claimed c ORDER BY c.priority DESC, c.was_ready_at, c.step_id)
  )
      SELECT coalesce(json_agg(r ORDER BY r.rn), '[]'), count(*), coalesce(array_agg(r.step_id), '{}')
        INTO v_claimed, v_claimed_n, v_claimed_ids
        FROM (SELECT q.*,
         -- the step that started its task carries the task's context (the worker has never seen it)
         CASE WHEN q.task_started THEN (
           SELECT json_build_object('context', t.context, 'initiator', t.initiator, 'source_system', t.source_system,
                    'reason', t.reason, 'tags', t.tags, 'trace_context', t.trace_context,
                    'scheduled_for', (round(extract(epoch from t.scheduled_for) * 1000))::float8)
             FROM ${n.q}.tasks t WHERE t.task_id = q.task_id) END AS task_context
        FROM (SELECT c.step_id, c.task_id, c.namespace, c.task_name, c.version, c.correlation_id,
         c.name, c.handler_class, c.attempts AS attempt, c.retry_limit, c.retryable, c.timeout_ms, c.needs_plan, c.run,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS started_at,
         (round(extract(epoch from c.was_ready_at) * 1000))::float8 AS ready_at,
         (c.task_id IN (SELECT task_id FROM started)
           AND row_number() OVER (PARTITION BY c.task_id ORDER BY c.was_ready_at, c.step_id) = 1)
           AS task_started, row_number() OVER (ORDER BY c.priority DESC, c.was_ready_at, c.step_id) AS rn
                FROM claimed c) q) r;
  END IF;
  v_ready := v_ready + v_readied;
  -- steps this transaction readied and claimed for itself need no wake-up: on the one-outcome path it knows which
  -- it readied, so it wakes the others only for those it left; a batch's full claim may have left some
  IF v_one THEN
    v_wake := EXISTS (SELECT 1 FROM unnest(v_readied_ids) AS r(id) WHERE r.id <> ALL(v_claimed_ids));
  ELSE
    v_wake := v_ready > 0 AND (p_claim_limit IS NULL OR v_claimed_n >= p_claim_limit);
  END IF;
  IF v_wake THEN
    PERFORM pg_notify('${n.channel}', '');
  END IF;
  RETURN json_build_object('applied', to_json(v_applied), 'skipped', v_skipped, 'finalized', v_finalized,
                            'claimed', v_claimed, 'ready', v_ready);
END
$tasker$`,
];
