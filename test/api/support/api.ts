// Test support for the HTTP API: an engine on a test store with a real server on an ephemeral port, and a small
// fetch wrapper that returns status, headers and the parsed JSON body of a real HTTP request.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { Tasker, TaskerOptions } from '../../../src/engine/tasker.js';
import { createApiServer, type ApiServerOptions } from '../../../src/api/server.js';
import { TERMINAL_TASK_STATES } from '../../../src/core/states.js';
import type { TestDb } from '../../support/stores.js';
import { openTestEngine } from '../../support/engine.js';

export interface ApiHarness {
  tasker: Tasker;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>/tasker` */
  base: string;
  close(): Promise<void>;
}

export async function startApi(
  db: TestDb,
  engine: TaskerOptions = {},
  api: ApiServerOptions = {},
): Promise<ApiHarness> {
  const tasker = await openTestEngine(db, engine);
  let app: FastifyInstance | null = null;
  try {
    app = createApiServer(tasker, { auth: false, ...api });
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await app?.close();
    await tasker.close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const server = app;
  return {
    tasker,
    app: server,
    base: `http://127.0.0.1:${port}/tasker`,
    async close() {
      await server.close();
      await tasker.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;

  json: any;
}

export interface CallOptions {
  /** Sent as JSON (with Content-Type application/json) unless `raw` is given. */
  body?: unknown;
  /** Sent as is, with `contentType` if given. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Asserts the answer is a 4xx/5xx in the API's error envelope with this status (and code, when given). */
export function expectError(answer: Answer, status: number, code?: string): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(answer.json.error).toHaveProperty('details');
  if (code !== undefined) expect(answer.json.error.code).toBe(code);
}

/** Poll GET /tasks/:id until the task is terminal (a hang guard, never a timing assertion). */
export async function waitForTaskOverHttp(
  base: string,
  id: number,
  seen: string[] = [],
  guardMs = 30_000,
): Promise<Answer> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    const res = await call(base, 'GET', `/tasks/${id}`);
    expect(res.status).toBe(200);
    seen.push(res.json.current_state);
    if (TERMINAL_TASK_STATES.has(res.json.current_state)) return res;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${res.json.current_state} after ${guardMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Number of tasks in the store (to prove nothing was half-created). */
export async function taskCount(tasker: Tasker): Promise<number> {
  const stats = await tasker.store.stats();
  return Object.values(stats.tasks_by_state).reduce((a, b) => a + (b ?? 0), 0);
}
