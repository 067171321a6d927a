-- tasksByState
SELECT state, COUNT(*) AS n FROM tasks GROUP BY state;

-- stepsByState
SELECT state, COUNT(*) AS n FROM steps GROUP BY state;

-- readyDepth

    SELECT TOTAL(n) AS n, MIN(oldest) AS oldest FROM (
      SELECT COUNT(*) AS n, MIN(ready_at) AS oldest FROM steps
       WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL
      UNION ALL
      SELECT COUNT(*), MIN(ready_at) FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL);

-- waitingForWorker

    SELECT COUNT(*) AS n
      FROM (SELECT task_id FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL
            UNION ALL
            SELECT task_id FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL) s
     CROSS JOIN tasks t ON t.task_id = s.task_id
     WHERE t.state = 'running'
       AND NOT EXISTS (SELECT 1 FROM workers w
                        WHERE w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)
                          AND (w.capabilities IS NULL
                               OR EXISTS (SELECT 1 FROM json_each(w.capabilities) c
                                           WHERE c.value = t.namespace || '/' || t.name || '@' || t.version)));

-- ping
SELECT 1 AS ok;

-- dataVersion
PRAGMA data_version;
