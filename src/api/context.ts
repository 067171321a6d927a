// What every route group needs: the engine, the metrics, the API prefix and a few serving options, plus who
// performs an operator action (the token's name when auth is on, else `X-Tasker-Actor` or `api`).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { Tasker } from '../engine/tasker.js';
import type { TaskerMetrics } from '../telemetry/metrics.js';
import { ApiError } from './errors.js';

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
  scopes: ReadonlySet<string>;
  via: 'token' | 'jwt';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ACTOR_HEADER = 'x-tasker-actor';
const ACTOR_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

/** Who performs an operator action, recorded in the history rows. */
export function actorOf(request: FastifyRequest): string {
  if (request.principal) return request.principal.name;
  const header = request.headers[ACTOR_HEADER];
  if (header === undefined) return 'api';
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || !ACTOR_PATTERN.test(value)) {
    throw new ApiError(400, 'invalid_request', 'X-Tasker-Actor must be 1-100 printable ASCII characters without surrounding spaces', [
      { field: 'headers.x-tasker-actor', message: 'must be 1-100 printable ASCII characters' },
    ]);
  }
  return value;
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
