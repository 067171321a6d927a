// Brief retries of task creation for store errors that prove nothing was committed. Only those: a creation whose
// COMMIT acknowledgement was lost (connection reset, server terminated mid-statement) may have created the task, and
// running it again would create a second one — those errors reach the caller (the API answers 503 and a retry with
// an idempotency_key is safe). Proof means the statement never reached a session that could commit it: the
// connection was refused or never established, PostgreSQL refused the session (starting up, too many connections),
// or it rolled the transaction back itself (deadlock, serialization failure).
import type { Logger } from '../telemetry/logger.js';

/** Pauses between attempts: five attempts within about 1.5 s. */
export const SUBMIT_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800];

/** Node errors raised before a connection exists (nothing was sent). */
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);

/** SQLSTATEs that refuse a session at start-up, or report a transaction PostgreSQL rolled back. */
const NOTHING_COMMITTED_SQLSTATES = new Set([
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '40001', // serialization_failure: rolled back
  '40P01', // deadlock_detected: rolled back
]);

/** pg-pool's message when no connection could be established in time (nothing was sent on it). */
const CONNECT_TIMEOUT = /timeout exceeded when trying to connect/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** True when `err` (or what it wraps) proves the store committed nothing for the failed call. */
export function provesNothingCommitted(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 5) return false;
  const e = err as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined && (NOT_CONNECTED_CODES.has(code) || NOTHING_COMMITTED_SQLSTATES.has(code))) return true;
  if (typeof e.message === 'string' && CONNECT_TIMEOUT.test(e.message)) return true;
  // Node reports a failed multi-address connect as an AggregateError of per-address errors.
  if (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every((inner) => provesNothingCommitted(inner, depth + 1))
  )
    return true;
  return provesNothingCommitted(e.cause, depth + 1);
}

/** Run `work`, again after a pause while it fails with an error that proves nothing was committed. */
export async function retryUncommitted<T>(work: () => Promise<T>, logger: Logger, what: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const delay = SUBMIT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !provesNothingCommitted(err)) throw err;
      logger.warn(
        { err: (err as Error).message, code: (err as ErrorLike).code, attempt: attempt + 1, delay_ms: delay },
        `${what} failed before anything was committed; retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
