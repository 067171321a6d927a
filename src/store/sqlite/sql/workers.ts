// The workers table on SQLite: registerWorker, touchWorker, removeWorker, listWorkers.

/**
 * Register a worker (or register it again): worker id, hostname, pid, namespaces (JSON), capabilities (JSON array of
 * template keys; NULL = any), lease in ms, started at, last seen at.
 */
export const upsertWorker = `
    INSERT INTO workers (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
      namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
      started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`;

/** Seen at ?, worker ?. */
export const touchWorker = 'UPDATE workers SET last_seen_at = ? WHERE worker_id = ?';

/** Seen at ?, can run ? (JSON array), worker ?. */
export const touchWorkerCapabilities = 'UPDATE workers SET last_seen_at = ?, capabilities = ? WHERE worker_id = ?';

export const removeWorker = 'DELETE FROM workers WHERE worker_id = ?';

/** Every registered worker, oldest first. */
export const listWorkers = 'SELECT * FROM workers ORDER BY started_at, worker_id';
