-- upsertWorker (tasker_upsert_worker)
INSERT INTO "tasker".workers (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at,
                              last_seen_at)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6::integer, date_trunc('milliseconds', now()),
               date_trunc('milliseconds', now()))
       ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
         namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
         started_at = excluded.started_at, last_seen_at = excluded.last_seen_at;

-- touchWorker (tasker_touch_worker)
UPDATE "tasker".workers SET last_seen_at = date_trunc('milliseconds', now()) WHERE worker_id = $1;

-- touchWorkerCapabilities (tasker_touch_worker_capabilities)
UPDATE "tasker".workers SET last_seen_at = date_trunc('milliseconds', now()), capabilities = $2::text[]
        WHERE worker_id = $1;

-- removeWorker (tasker_remove_worker)
DELETE FROM "tasker".workers WHERE worker_id = $1;

-- listWorkers (tasker_list_workers)
SELECT worker_id, hostname, pid, namespaces, capabilities, lease_ms,
              (round(extract(epoch from started_at) * 1000))::float8 AS started_at,
              (round(extract(epoch from last_seen_at) * 1000))::float8 AS last_seen_at
         FROM "tasker".workers ORDER BY started_at, worker_id;

-- takePresence (tasker_take_presence)
SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok;

-- dropPresence (tasker_drop_presence)
SELECT pg_advisory_unlock(hashtext($1), hashtext($2)) AS ok;
