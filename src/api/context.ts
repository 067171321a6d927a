// What every route group needs: the engine, the metrics, the API prefix and a few serving options, plus who
// performs an operator action: `token:<name>` or `jwt:<sub>` when auth is on, else `X-Tasker-Actor` as given, or `api`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { Tasker } from '../engine/tasker.js';
import type { TaskerMetrics } from './metrics.js';
import { ApiError } from './errors.js';
import { ACTOR_MAX_CHARS, actorProblem, headerText } from './actor.js';

export interface ApiContext {
  tasker: Tasker;
  metrics: TaskerMetrics;
  prefix: string;
  /** How long /health/ready waits for the store. */
  readyTimeoutMs: number;
  /** Steps this process runs at once (reported by /health); null when not known. */
  concurrency: number | null;
  startedAt: number;
  version: string;
}

export interface Principal {
  /** The token's configured name or a JWT's `sub`. */
  name: string;
  /** How its actions are recorded: `token:<name>` or `jwt:<sub>`. */
  actor: string;
  scopes: ReadonlySet<string>;
  /** How it was proven: a bearer token, a JWT, or a stream ticket (which carries the scopes it was issued with). */
  via: 'token' | 'jwt' | 'ticket';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ACTOR_HEADER = 'x-tasker-actor';

/** Who performs an operator action, recorded in the history rows. */
export function actorOf(request: FastifyRequest): string {
  if (request.principal) return request.principal.actor;
  const header = request.headers[ACTOR_HEADER];
  if (header === undefined) return 'api';
  const raw = Array.isArray(header) ? header[0] : header;
  const value = typeof raw === 'string' ? headerText(raw) : null;
  const problem = value === null ? 'must be UTF-8 text' : actorProblem(value);
  if (problem !== null) {
    const message = `X-Tasker-Actor ${problem}: give 1-${ACTOR_MAX_CHARS} printable characters without surrounding spaces`;
    throw new ApiError(400, 'invalid_request', message, [{ field: 'headers.x-tasker-actor', message: problem }]);
  }
  return value!;
}

let cachedVersion: string | null = null;

/** The version in the package.json above this file (src/ or dist/), or `unknown`. */
export function packageVersion(): string {
  if (cachedVersion !== null) return cachedVersion;
  cachedVersion = 'unknown';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'tasker' && typeof pkg.version === 'string') cachedVersion = pkg.version;
      } catch {
        // not ours; keep looking
      }
      if (cachedVersion !== 'unknown') break;
    }
    dir = dirname(dir);
  }
  return cachedVersion;
}
