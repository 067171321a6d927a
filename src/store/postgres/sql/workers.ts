// The workers table (registerWorker, touchWorker, removeWorker, listWorkers) and worker presence: a worker holds a
// session-level advisory lock keyed by (label, worker id) on the store's long-lived LISTEN connection (../presence.ts),
// which reclaim.ts reads to tell a holder that is alive from one that is gone.
import { statement } from './statement.js';

/**
 * Register worker $1 (or register it again): $2 hostname, $3 pid, $4 namespaces (text[]), $5 capabilities (text[]
 * of template keys; NULL = any), $6 lease in ms; started and seen now.
 */
export const upsertWorker = statement(
  'upsert_worker',
  (n) => `INSERT INTO ${n.q}.workers (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at,
                              last_seen_at)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6::integer, date_trunc('milliseconds', now()),
               date_trunc('milliseconds', now()))
       ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
         namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
         started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`,
);

/** Worker $1 was seen now. */
export const touchWorker = statement(
  'touch_worker',
  (n) => `UPDATE ${n.q}.workers SET last_seen_at = date_trunc('milliseconds', now()) WHERE worker_id = $1`,
);

/** Worker $1 was seen now and can run templates $2 (text[]). */
export const touchWorkerCapabilities = statement(
  'touch_worker_capabilities',
  (n) => `UPDATE ${n.q}.workers SET last_seen_at = date_trunc('milliseconds', now()), capabilities = $2::text[]
        WHERE worker_id = $1`,
);

export const removeWorker = statement('remove_worker', (n) => `DELETE FROM ${n.q}.workers WHERE worker_id = $1`);

/** Every registered worker, oldest first; times in epoch ms. */
export const listWorkers = statement(
  'list_workers',
  (n) => `SELECT worker_id, hostname, pid, namespaces, capabilities, lease_ms,
              (round(extract(epoch from started_at) * 1000))::float8 AS started_at,
              (round(extract(epoch from last_seen_at) * 1000))::float8 AS last_seen_at
         FROM ${n.q}.workers ORDER BY started_at, worker_id`,
);

/**
 * Take worker $2's presence lock under label $1 (never waits: a collision or a lingering session of the same id only
 * costs the attempt refund). Row: ok. Sent unnamed, on the LISTEN connection.
 */
export const takePresence = statement(
  'take_presence',
  () => 'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok',
);

/** Release worker $2's presence lock under label $1. Row: ok. Sent unnamed, on the LISTEN connection. */
export const dropPresence = statement(
  'drop_presence',
  () => 'SELECT pg_advisory_unlock(hashtext($1), hashtext($2)) AS ok',
);
