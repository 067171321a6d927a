// Recognises SQLite errors that mean "the file cannot be written right now; try again later": another process
// holds the write lock, the disk is full, or the OS reported an I/O error. A worker keeps the outcomes it could not
// write and retries them; nothing it has done is turned into a failure.

const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_FULL', // the disk (or PRAGMA max_page_count) is full: frees up when space does
  'SQLITE_NOMEM',
]);

export function isTransientSqliteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // SQLITE_IOERR and its extended codes (SQLITE_IOERR_WRITE, _FSYNC, _SHORT_READ, …)
  return TRANSIENT_CODES.has(code) || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_');
}
