// While the store is unreachable or busy, every route answers 503 `unavailable` with Retry-After, in the error
// envelope, instead of 500 `internal` — and answers normally again once the store is back. PostgreSQL is made
// unavailable through a real TCP proxy (new connections get 57P03, open ones are cut), SQLite by a real write lock
// held by another connection; the shared PostgreSQL server is never restarted.
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { PgProxy } from '../support/pg-proxy.js';
import { postgresDb, sqliteDb, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const body = { namespace: 'api', name: 'checkout', context: { order_id: 1 } };

function expectUnavailable(res: Awaited<ReturnType<typeof call>>): void {
  expectError(res, 503, 'unavailable');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.json.error.message).not.toMatch(/57P03|ECONN|SQLITE/);
}

describe('a PostgreSQL store that is unavailable', () => {
  let db: TestDb;
  let proxy: PgProxy;
  let api: ApiHarness;

  beforeAll(async () => {
    db = postgresDb();
    proxy = await PgProxy.start();
    api = await startApi(
      { ...db, url: proxy.via(db.url) },
      { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()), concurrency: 0 },
    );
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.close();
    await db?.cleanup();
  });

  it('answers 503 unavailable with Retry-After on every route, then recovers', async () => {
    const created = await call(api.base, 'POST', '/tasks', { body });
    expect(created.status, created.text).toBe(201);
    const id = created.json.task_id as number;

    proxy.reject();
    proxy.dropAll();
    expectUnavailable(await call(api.base, 'GET', `/tasks/${id}`));
    expectUnavailable(await call(api.base, 'GET', '/tasks'));
    expectUnavailable(await call(api.base, 'POST', '/tasks', { body }));
    expectUnavailable(await call(api.base, 'DELETE', `/tasks/${id}`));
    expectUnavailable(await call(api.base, 'POST', `/tasks/${id}/retry`, { body: {} }));
    expect(proxy.rejected).toBeGreaterThan(0);

    proxy.forward();
    expect((await call(api.base, 'GET', `/tasks/${id}`)).status).toBe(200);
    expect((await call(api.base, 'POST', '/tasks', { body })).status).toBe(201);
  });

  it('documents the 503 answer in the OpenAPI document', async () => {
    const doc = (await call(api.base, 'GET', '/openapi.json')).json;
    expect(doc.paths['/tasker/tasks'].post.responses['503']).toEqual({ $ref: '#/components/responses/Error503' });
    expect(doc.components.responses.Error503.description).toMatch(/unavailable/);
  });
});

describe('a SQLite store locked by another writer', () => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = sqliteDb();
    const store = await openSqliteStore(db.url.slice('sqlite:'.length), { busyTimeoutMs: 20, logger: silentLogger() });
    api = await startApi(db, {
      db: store,
      templates: API_TEMPLATES,
      handlers: apiHandlers(new Controls()),
      concurrency: 0,
    });
  });
  afterAll(async () => {
    await api?.close();
    await api?.tasker.store.close();
    await db?.cleanup();
  });

  it('answers 503 while the write lock is held, and 201 once it is released', async () => {
    const other = new BetterSqlite3(db.url.slice('sqlite:'.length));
    try {
      other.exec('BEGIN IMMEDIATE');
      expectUnavailable(await call(api.base, 'POST', '/tasks', { body }));
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect((await call(api.base, 'POST', '/tasks', { body })).status).toBe(201);
  });
});
