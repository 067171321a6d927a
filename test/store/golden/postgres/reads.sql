-- readTask (tasker_read_task)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
         t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
         (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
         (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
         (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at,
         t.context, t.needs_plan, t.run, t.priority,
         (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused,
         (round(extract(epoch from t.scheduled_for) * 1000))::float8 AS scheduled_for, t.parent_task_id, t.parent_step_id,
         EXISTS (SELECT 1 FROM "tasker".workers w
                  WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                    AND (w.capabilities IS NULL
                         OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities))) AS runnable,
         (SELECT coalesce(json_agg(row_to_json(s) ORDER BY s.step_id), '[]'::json)
            FROM (SELECT x.step_id, x.task_id, x.name, x.handler_class, x.state, x.depends_on, x.unmet,
                         x.attempts, x.retry_limit, x.retryable, x.timeout_ms, x.skippable, x.results, x.error,
                         (round(extract(epoch from x.ready_at) * 1000))::float8 AS ready_at,
                         CASE WHEN x.state = 'retrying' THEN (round(extract(epoch from x.ready_at) * 1000))::float8 END
                           AS next_attempt_at,
                         x.locked_by, (round(extract(epoch from x.lease_expires_at) * 1000))::float8 AS lease_expires_at,
                         (round(extract(epoch from x.started_at) * 1000))::float8 AS started_at,
                         (round(extract(epoch from x.completed_at) * 1000))::float8 AS completed_at, x.duration_ms,
                         (x.ready_at IS NOT NULL AND x.ready_at <= now()) AS ready_now, x.priority, x.gate,
                         x.rate_wait, x.wait_kind, x.wait_key, x.map_of, x.map_index, x.map_size
                    FROM "tasker".steps x WHERE x.task_id = t.task_id) s) AS steps,
         (SELECT coalesce(json_agg(json_build_object('annotation_type', a.annotation_type, 'content', a.content,
                                                     'created_at', (round(extract(epoch from a.created_at) * 1000))::float8)
                                   ORDER BY a.annotation_id),
                          '[]'::json)
            FROM "tasker".annotations a WHERE a.task_id = t.task_id) AS annotations
       FROM "tasker".tasks t WHERE t.task_id = $1;

-- readContexts (tasker_read_contexts)
SELECT task_id, context, initiator, source_system, reason, tags, trace_context,
              (round(extract(epoch from scheduled_for) * 1000))::float8 AS scheduled_for
         FROM "tasker".tasks
        WHERE task_id = ANY($1::bigint[]);

-- readSnapshots (tasker_read_snapshots)
SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.depends_on, s.unmet,
              s.attempts, s.retry_limit, s.retryable, s.timeout_ms, s.skippable, s.results, s.error,
              (round(extract(epoch from s.ready_at) * 1000))::float8 AS ready_at,
              CASE WHEN s.state = 'retrying' THEN (round(extract(epoch from s.ready_at) * 1000))::float8 END
                AS next_attempt_at,
              s.locked_by, (round(extract(epoch from s.lease_expires_at) * 1000))::float8 AS lease_expires_at,
              (round(extract(epoch from s.started_at) * 1000))::float8 AS started_at,
              (round(extract(epoch from s.completed_at) * 1000))::float8 AS completed_at, s.duration_ms
         FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS r(task_id, name, ord)
         JOIN "tasker".steps s ON s.task_id = r.task_id AND s.name = r.name
        ORDER BY r.ord;

-- readHistory (tasker_read_history)
SELECT h.* FROM (
       SELECT tr.transition_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state,
              (round(extract(epoch from tr.at) * 1000))::float8 AS at, tr.reason, tr.attempt, tr.actor, tr.error,
              tr.results, coalesce(max(tr.run) OVER (ORDER BY tr.transition_id), 1) AS run
         FROM "tasker".transitions tr LEFT JOIN "tasker".steps s ON s.step_id = tr.step_id
        WHERE tr.task_id = $1) h
        WHERE $2::bigint IS NULL OR h.step_id = $2
        ORDER BY h.transition_id;

-- readUnfinished (tasker_read_unfinished)
SELECT task_id FROM "tasker".tasks WHERE state IN ('pending', 'running') ORDER BY task_id LIMIT $1;

-- readNextRetry (tasker_read_next_retry)
SELECT (round(extract(epoch from least(
          (SELECT min(ready_at) FROM "tasker".steps WHERE ready_at IS NOT NULL AND ready_at > now() AND rate_key IS NULL),
          (SELECT min(ready_at) FROM "tasker".steps
            WHERE ready_at IS NOT NULL AND ready_at > now() AND rate_key IS NOT NULL))) * 1000))::float8 AS at;
