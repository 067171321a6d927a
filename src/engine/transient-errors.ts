// Recognises store errors worth retrying after a pause (connection lost, server restarting, busy database, disk
// full, I/O errors), as opposed to bugs or constraint violations that would fail again. Each store's rules live
// with it.
import { isTransientDbError } from '../store/postgres/transient-errors.js';
import { isTransientSqliteError } from '../store/sqlite/transient-errors.js';

export function isTransientStoreError(err: unknown): boolean {
  return isTransientSqliteError(err) || isTransientDbError(err);
}
