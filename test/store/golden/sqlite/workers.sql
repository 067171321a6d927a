-- upsertWorker

    INSERT INTO workers (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
      namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
      started_at = excluded.started_at, last_seen_at = excluded.last_seen_at;

-- touchWorker
UPDATE workers SET last_seen_at = ? WHERE worker_id = ?;

-- touchWorkerCapabilities
UPDATE workers SET last_seen_at = ?, capabilities = ? WHERE worker_id = ?;

-- removeWorker
DELETE FROM workers WHERE worker_id = ?;

-- listWorkers
SELECT * FROM workers ORDER BY started_at, worker_id;
