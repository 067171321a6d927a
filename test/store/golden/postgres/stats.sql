-- tasksByState (tasker_read_tasks_by_state)
SELECT state, count(*)::integer AS n FROM "tasker".tasks GROUP BY state;

-- stepsByState (tasker_read_steps_by_state)
SELECT state, count(*)::integer AS n FROM "tasker".steps GROUP BY state;

-- tableSizes (tasker_read_table_sizes)
SELECT c.relname AS tbl, c.reltuples::float8 AS n
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = $1 AND c.relname IN ('tasks', 'steps');

-- stateEstimates (tasker_read_state_estimates)
SELECT s.tablename AS tbl, v.state, round(v.f * greatest(c.reltuples, 0))::float8 AS n
      FROM pg_stats s
      JOIN pg_namespace ns ON ns.nspname = s.schemaname
      JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = s.tablename
     CROSS JOIN LATERAL unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS v(state, f)
     WHERE s.schemaname = $1 AND s.tablename IN ('tasks', 'steps') AND s.attname = 'state';

-- readyDepth (tasker_read_ready_depth)
SELECT coalesce(sum(r.n), 0)::integer AS n,
           coalesce(extract(epoch from now() - min(r.oldest)) * 1000, 0)::float8 AS oldest_ms
      FROM (SELECT count(*) AS n, min(ready_at) AS oldest FROM "tasker".steps
             WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NULL
            UNION ALL
            SELECT count(*), min(ready_at) FROM "tasker".steps
             WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NOT NULL) r;

-- waitingForWorker (tasker_read_waiting_for_worker)
SELECT count(*)::integer AS n
       FROM (SELECT task_id FROM "tasker".steps WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NULL
             UNION ALL
             SELECT task_id FROM "tasker".steps
              WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NOT NULL) s
       JOIN "tasker".tasks t ON t.task_id = s.task_id
        WHERE t.state = 'running'
          AND NOT EXISTS (SELECT 1 FROM "tasker".workers w
                           WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                             AND (w.capabilities IS NULL
                                  OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities)));

-- ping (tasker_ping)
SELECT 1 AS ok;
