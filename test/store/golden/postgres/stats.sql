-- tasksByState (tasker_read_tasks_by_state)
SELECT state, count(*)::integer AS n FROM "tasker".tasks GROUP BY state;

-- stepsByState (tasker_read_steps_by_state)
SELECT state, count(*)::integer AS n FROM "tasker".steps GROUP BY state;

-- readyDepth (tasker_read_ready_depth)
SELECT count(*)::integer AS n FROM "tasker".steps WHERE ready_at IS NOT NULL AND ready_at <= now();

-- waitingForWorker (tasker_read_waiting_for_worker)
SELECT count(*)::integer AS n FROM "tasker".steps s JOIN "tasker".tasks t ON t.task_id = s.task_id
        WHERE s.ready_at IS NOT NULL AND s.ready_at <= now() AND t.state = 'running'
          AND NOT EXISTS (SELECT 1 FROM "tasker".workers w
                           WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                             AND (w.capabilities IS NULL
                                  OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities)));

-- ping (tasker_ping)
SELECT 1 AS ok;
