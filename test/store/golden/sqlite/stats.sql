-- tasksByState
SELECT state, COUNT(*) AS n FROM tasks GROUP BY state;

-- stepsByState
SELECT state, COUNT(*) AS n FROM steps GROUP BY state;

-- readyDepth
SELECT COUNT(*) AS n, MIN(ready_at) AS oldest FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ?;

-- waitingForWorker

    SELECT COUNT(*) AS n FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
     WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND t.state = 'running'
       AND NOT EXISTS (SELECT 1 FROM workers w
                        WHERE w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)
                          AND (w.capabilities IS NULL
                               OR EXISTS (SELECT 1 FROM json_each(w.capabilities) c
                                           WHERE c.value = t.namespace || '/' || t.name || '@' || t.version)));

-- ping
SELECT 1 AS ok;

-- dataVersion
PRAGMA data_version;
