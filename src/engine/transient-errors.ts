// Recognises store errors worth retrying after a pause (connection lost, server restarting, busy database), as
// opposed to bugs or constraint violations that would fail again. PostgreSQL's rules live with its store.
import { isTransientDbError } from '../store/postgres/transient-errors.js';

const SQLITE_TRANSIENT = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT']);

export function isTransientStoreError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && SQLITE_TRANSIENT.has(code)) return true;
  return isTransientDbError(err);
}
