// The serving options of createApiServer that are not about routes — body limit, timeouts, connection cap — with
// their defaults in this one place, their checks, and the error a bad value raises.
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { TaskerError } from '../core/errors.js';

/** An option of createApiServer (or the `tasker serve` flag behind it) that cannot be used. Exit code 2. */
export class ApiOptionError extends TaskerError {
  override name = 'ApiOptionError';
  constructor(message: string, details?: unknown) {
    super(message, 'api_option', details);
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerTimeouts {
  /** The request line and headers must arrive within this (slow-header clients are closed with 408). */
  headersMs: number;
  /** The whole request, body included, must arrive within this. Responses (event streams) are not limited. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** A connection with no traffic either way is closed after this; long-lived streams must send heartbeats. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 60_000,
});
/** Connections open at once; more are closed as they arrive. */
export const DEFAULT_MAX_CONNECTIONS = 1000;

const MAX_TIMEOUT_MS = 3_600_000;

/** The timeouts with defaults filled in; ApiOptionError names any value that cannot work. */
export function resolveTimeouts(given: Partial<ServerTimeouts> = {}): ServerTimeouts {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...given };
  const problems: string[] = [];
  for (const key of Object.keys(DEFAULT_TIMEOUTS) as Array<keyof ServerTimeouts>) {
    const v = timeouts[key];
    if (!Number.isInteger(v) || v < 1 || v > MAX_TIMEOUT_MS) {
      problems.push(`timeouts.${key} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${v}`);
    }
  }
  if (!problems.length && timeouts.headersMs > timeouts.requestMs) {
    const { headersMs, requestMs } = timeouts;
    problems.push(`timeouts.headersMs (${headersMs}) must not exceed timeouts.requestMs (${requestMs})`);
  }
  if (problems.length) throw new ApiOptionError(problems.join('; '), problems);
  return timeouts;
}

export function resolveMaxConnections(given: number = DEFAULT_MAX_CONNECTIONS): number {
  if (!Number.isInteger(given) || given < 1) {
    throw new ApiOptionError(`maxConnections must be a whole number of at least 1, got ${given}`);
  }
  return given;
}

/** How often Node looks for connections past their headers/request timeout (its 30 s default would let them overrun). */
export function checkIntervalMs(timeouts: ServerTimeouts): number {
  return Math.max(25, Math.min(1000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4)));
}

/**
 * Fastify's serverFactory: every HTTP server of the app — the main one and those Fastify adds when a host name
 * resolves to several addresses (`localhost`) — gets the timeouts and the connection cap.
 */
export function limitedServerFactory(
  timeouts: ServerTimeouts,
  maxConnections: number,
): (handler: RequestListener, fastifyOptions?: { http?: ServerOptions | null }) => Server {
  return (handler, fastifyOptions) => {
    const server = createServer(
      {
        // Fastify's own `http` options (given to a serverFactory, never applied by Fastify itself).
        ...(fastifyOptions?.http ?? {}),
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        connectionsCheckingInterval: checkIntervalMs(timeouts),
      },
      handler,
    );
    server.keepAliveTimeout = timeouts.keepAliveMs;
    server.setTimeout(timeouts.idleMs);
    server.maxConnections = maxConnections;
    return server;
  };
}
