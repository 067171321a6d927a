// The PostgreSQL store warms connections when it opens (src/store/postgres/warm-connections.ts): that many are in the
// pool, idle and in no transaction; each rehearsed the hot path to its end (the creating, claiming and completing
// statements are prepared on it) and planned the batch creation (its last statement is that plan's DEALLOCATE, and
// no plan-only statement is left prepared); nothing was written, a ready task of another namespace was left alone,
// and a count the pool cannot hold is refused by name. Tasker.open hands its poolSize and warmConnections on.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUrlError } from '../../src/core/errors.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { openStore } from '../../src/store/open-store.js';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { PG_URL, postgresDb, type TestDb } from '../support/stores.js';
import { newTask, step } from './conformance/fixtures.js';

const dbs: TestDb[] = [];
const stores: PostgresStore[] = [];

async function open(opts: { poolSize: number; warmConnections?: number }): Promise<PostgresStore> {
  const db = postgresDb();
  dbs.push(db);
  const store = await openPostgresStore(db.url, opts);
  stores.push(store);
  return store;
}

/** Rows in the tables the hot path writes, in the store's schema. */
async function rowsWritten(store: PostgresStore): Promise<number> {
  const schema = new URL(dbs[stores.indexOf(store)]!.url).searchParams.get('schema')!;
  const q = pg.escapeIdentifier(schema);
  const tables = ['tasks', 'steps', 'step_edges', 'transitions', 'workers'];
  const sql = `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${q}.${t})`).join(' + ')} AS n`;
  const { rows } = await poolOf(store).query<{ n: number }>(sql);
  return Number(rows[0]!.n);
}

/** The store's pool (private to the store: the test reads what is in it). */
const poolOf = (store: PostgresStore) => (store as unknown as { ctx: { pool: pg.Pool } }).ctx.pool;

/**
 * For every idle connection of the pool: the last statement it ran (read from pg_stat_activity by a connection of
 * its own, before the pool's connections run anything) and its prepared statements.
 */
async function connections(pool: pg.Pool): Promise<Array<{ last: string; state: string; prepared: string[] }>> {
  const clients = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
  const reader = new pg.Client({ connectionString: PG_URL });
  await reader.connect();
  try {
    const pids = clients.map((c) => (c as unknown as { processID: number }).processID);
    const { rows } = await reader.query<{ pid: number; query: string; state: string }>(
      'SELECT pid, query, state FROM pg_stat_activity WHERE pid = ANY($1)',
      [pids],
    );
    return await Promise.all(
      clients.map(async (c, i) => ({
        last: rows.find((r) => r.pid === pids[i])?.query ?? '',
        state: rows.find((r) => r.pid === pids[i])?.state ?? '',
        prepared: (await c.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).rows.map((r) => r.name),
      })),
    );
  } finally {
    await reader.end();
    for (const c of clients) c.release();
  }
}

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all(dbs.map((d) => d.cleanup()));
});

describe('PostgreSQL connections warmed on open', () => {
  it('opens three by default, each having rehearsed the hot path, and writes nothing', async () => {
    const store = await open({ poolSize: 5 });
    const pool = poolOf(store);
    expect(pool.totalCount).toBe(3);
    const seen = await connections(pool);
    expect(seen).toHaveLength(3);
    for (const c of seen) {
      expect(c.prepared).toEqual(
        expect.arrayContaining(['tasker_create_task_at_once', 'tasker_claim', 'tasker_complete_steps']),
      );
      expect(c.prepared).not.toContain('tasker_warm_up');
    }
    expect(seen.map((c) => [c.state, c.last])).toEqual(Array(3).fill(['idle', 'DEALLOCATE tasker_warm_up']));
    expect(await rowsWritten(store)).toBe(0);
  });

  it("rehearses beside another namespace's ready task, which it leaves alone", async () => {
    const first = await open({ poolSize: 1, warmConnections: 0 });
    const db = dbs[dbs.length - 1]!;
    const { task_id } = await first.createTask(newTask([step('pack')], { namespace: 'shop', priority: 1000 }));
    const second = await openPostgresStore(db.url, { poolSize: 2 });
    stores.push(second);
    for (const c of await connections(poolOf(second))) expect(c.prepared).toContain('tasker_complete_steps');
    const claimed = await first.claimSteps({ workerId: 'w1', limit: 5, leaseMs: 60_000 });
    expect(claimed.map((s) => [s.task.task_id, s.name, s.attempt])).toEqual([[task_id, 'pack', 1]]);
  });

  it('warms none when asked, and never more than the pool holds', async () => {
    const none = await open({ poolSize: 5, warmConnections: 0 });
    const pool = poolOf(none);
    expect(pool.totalCount).toBe(1); // the migration's connection
    expect(poolOf(await open({ poolSize: 2 })).totalCount).toBe(2);
    // What the CLI's one-shot commands ask of openStore: it reaches the PostgreSQL store.
    const db = postgresDb();
    dbs.push(db);
    const oneShot = (await openStore(db.url, { warmConnections: 0 })) as PostgresStore;
    stores.push(oneShot);
    expect(poolOf(oneShot).totalCount).toBe(1);
    await expect(open({ poolSize: 2, warmConnections: 3 })).rejects.toThrow(StoreUrlError);
    await expect(open({ poolSize: 2, warmConnections: 3 })).rejects.toThrow(
      /warmConnections .* pool size \(2\), got 3/,
    );
  });

  it('takes the pool size and the connections to warm from Tasker.open', async () => {
    const db = postgresDb();
    dbs.push(db);
    const tasker = await Tasker.open({
      db: db.url,
      poolSize: 4,
      warmConnections: 4,
      start: false,
      logger: silentLogger(),
    });
    try {
      const pool = poolOf(tasker.store as PostgresStore);
      expect([pool.options.max, pool.totalCount]).toEqual([4, 4]);
      for (const c of await connections(pool)) expect(c.prepared).toContain('tasker_complete_steps');
    } finally {
      await tasker.close();
    }
  });
});
