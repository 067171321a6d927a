// Tasker.submit()/submitMany() on PostgreSQL retry briefly — and only — errors that prove nothing was committed:
// a refused connection or a session PostgreSQL refuses while starting up (57P03) is retried and the task is created
// once; a connection cut while a statement may have committed is not. Real conditions only: a real TCP proxy in
// front of the shared PostgreSQL (never restarted), a real refused port, a real terminated backend.
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { provesNothingCommitted, SUBMIT_RETRY_DELAYS_MS } from '../../src/engine/submit-retry.js';
import { defineTask } from '../../src/definition/define-task.js';
import { PgProxy } from '../support/pg-proxy.js';
import { PG_URL, postgresDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const simple = defineTask({
  name: 'simple',
  namespace_name: 'retry',
  version: '1.0.0',
  module_namespace: 'Retry',
  step_templates: [{ name: 'one' }],
});
const request = { namespace: 'retry', name: 'simple', context: {} };

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function taskCount(url: string): Promise<number> {
  const schema = new URL(url).searchParams.get('schema')!;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.tasks`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Cut the engine's pooled connections and wait until its pool has noticed (a hang guard, not a timing assertion). */
async function drainPool(tasker: Tasker, proxy: PgProxy): Promise<void> {
  proxy.dropAll();
  const pool = (tasker.store as PostgresStore).pool;
  const deadline = Date.now() + 10_000;
  while (pool.totalCount > 0) {
    if (Date.now() > deadline) throw new Error(`the pool still holds ${pool.totalCount} connections`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('submit() retries on PostgreSQL', () => {
  let db: TestDb;
  let proxy: PgProxy;
  let tasker: Tasker;

  beforeEach(async () => {
    db = postgresDb();
    proxy = await PgProxy.start();
    tasker = await openTestEngine(
      { ...db, url: proxy.via(db.url) },
      { templates: [simple], handlers: { 'Retry::OneHandler': () => ({}) }, concurrency: 0 },
    );
  });
  afterEach(async () => {
    proxy.forward();
    await tasker?.close();
    await proxy?.close();
    await db?.cleanup();
  });

  it('creates the task once when the first connections are refused with 57P03', async () => {
    await drainPool(tasker, proxy);
    proxy.reject(2);
    const res = await tasker.submit(request);
    expect(res.created).toBe(true);
    expect(proxy.rejected).toBe(2);
    expect(await taskCount(db.url)).toBe(1);
    expect((await tasker.getTask(res.task_id))?.current_state).toBe('running');
  });

  it('retries submitMany and idempotency-key lookups the same way', async () => {
    await drainPool(tasker, proxy);
    proxy.reject(1);
    const many = await tasker.submitMany([request, request]);
    expect(many.map((r) => r.created)).toEqual([true, true]);
    await drainPool(tasker, proxy);
    proxy.reject(2);
    const keyed = await tasker.submit({ ...request, idempotency_key: 'k-1' });
    expect(keyed.created).toBe(true);
    expect(proxy.rejected).toBe(3);
    expect(await taskCount(db.url)).toBe(3);
  });

  it('gives up after a few attempts, with the store error, and creates nothing', async () => {
    await drainPool(tasker, proxy);
    proxy.reject();
    const err = await caught(() => tasker.submit(request));
    expect((err as { code?: string }).code).toBe('57P03');
    expect(proxy.rejected).toBe(SUBMIT_RETRY_DELAYS_MS.length + 1);
    proxy.forward();
    expect(await taskCount(db.url)).toBe(0);
  });

  it('gives up on a port where nothing listens (ECONNREFUSED)', async () => {
    await drainPool(tasker, proxy);
    await proxy.close();
    const err = await caught(() => tasker.submit(request));
    expect(provesNothingCommitted(err)).toBe(true);
    expect(
      JSON.stringify(
        (err as AggregateError).errors?.map((e: { code?: string }) => e.code) ?? (err as { code?: string }).code,
      ),
    ).toContain('ECONNREFUSED');
  });
});

describe('provesNothingCommitted on real errors', () => {
  it('is true for a refused connection and false for a backend terminated mid-statement', async () => {
    const refused = new pg.Client({ connectionString: 'postgres://root@127.0.0.1:1/test' });
    expect(provesNothingCommitted(await caught(() => refused.connect()))).toBe(true);

    const victim = new pg.Client({ connectionString: PG_URL });
    victim.on('error', () => undefined);
    await victim.connect();
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const sleeping = caught(() => victim.query('SELECT pg_sleep(30)'));
    const killer = new pg.Client({ connectionString: PG_URL });
    await killer.connect();
    try {
      // Wait until the statement is running, so the kill lands while it may be committing.
      for (let i = 0; i < 500; i++) {
        const rows = (await killer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]))
          .rows;
        if (rows.length) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await killer.end();
    }
    expect(provesNothingCommitted(await sleeping)).toBe(false);
    await victim.end().catch(() => undefined);
  });

  it('is true for a deadlock or serialization failure and false for other errors', () => {
    expect(provesNothingCommitted(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(
      provesNothingCommitted(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '40001' }) })),
    ).toBe(true);
    expect(provesNothingCommitted(Object.assign(new Error('Connection terminated unexpectedly'), {}))).toBe(false);
    expect(provesNothingCommitted(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false);
    expect(provesNothingCommitted(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
  });
});

afterAll(() => undefined);
