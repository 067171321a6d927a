// Recognises database errors that are worth retrying after a pause (connection lost, server restarting, busy),
// as opposed to bugs or constraint violations that would fail again.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

export function isTransientStoreError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|connection (?:is )?closed|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (?:starting up|shutting down)/i.test(
    message,
  );
}
