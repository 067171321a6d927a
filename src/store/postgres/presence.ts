// Worker presence on PostgreSQL: a worker holds a session-level advisory lock keyed by (schema, worker id) on the
// store's long-lived LISTEN connection. The lock lives exactly as long as that session, whatever the worker can
// write, so a reclaimer can tell "the holder is alive but its lease lapsed" (a full disk, an I/O error, a store
// outage that kept it from renewing) from "the holder is gone" by reading pg_locks — no write needed on either side.
// The statements are in sql/workers.ts (takePresence, dropPresence) and sql/reclaim.ts (expiredCandidates).
import type { SchemaNames } from './sql.js';

/** The text whose hashtext() is the lock's first key, per schema. */
export function presenceLabel(n: SchemaNames): string {
  return `tasker.presence:${n.schema}`;
}
