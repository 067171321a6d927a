// Recognises PostgreSQL errors that mean "the database is unavailable or the transaction lost a race; try again
// later" (connection loss, server shutdown or start-up, too many connections, deadlock, serialization failure).
// The engine backs off and retries on these instead of failing steps or crashing.

/** SQLSTATE codes after which retrying the same work later is expected to succeed. */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '57P05', // idle_session_timeout
  '53000', // insufficient_resources
  '53100', // disk_full: writes fail until space is freed; nothing was committed
  '53200', // out_of_memory
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '58000', // system_error
  '58030', // io_error
]);

/** Node socket / DNS error codes seen while the server is down or restarting. */
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
  'ESHUTDOWN',
]);

/** Messages `pg` / `pg-pool` use for connection problems that carry no code. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /client has encountered a connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /terminating connection/i,
  /server closed the connection unexpectedly/i,
];

const DEADLOCK_OR_SERIALIZATION = new Set(['40001', '40P01']);

/** True when `err` (or an error it wraps) says the database is temporarily unavailable or a race was lost. */
export function isTransientDbError(err: unknown): boolean {
  return someError(err, (e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code !== undefined) {
      if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)) return true;
      if (/^08/.test(code)) return true; // class 08: connection exception
    }
    const message = typeof e.message === 'string' ? e.message : '';
    return TRANSIENT_MESSAGES.some((re) => re.test(message));
  });
}

/** Deadlock or serialization failure: the transaction was rolled back and can simply be run again. */
export function isRetryableConflict(err: unknown): boolean {
  return someError(err, (e) => typeof e.code === 'string' && DEADLOCK_OR_SERIALIZATION.has(e.code));
}

/** Errors after which a pooled connection must not be reused (anything but a plain SQL error). */
export function isConnectionLevelError(err: unknown): boolean {
  return isTransientDbError(err) && !isRetryableConflict(err);
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** Walks `cause` chains and AggregateError members (Node reports multi-address connect failures that way). */
function someError(err: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  const e = err as ErrorLike;
  if (test(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => someError(inner, test, depth + 1))) return true;
  return someError(e.cause, test, depth + 1);
}
