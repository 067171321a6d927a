// Pruning, seen from the tables (what the conformance suite cannot see through the Store interface): no row of a pruned
// task is left in any table on either store; on SQLite the batch turns foreign key enforcement off for its own
// transaction only and its statements walk indexes; on PostgreSQL a batch reads its tasks in index order (no sort of
// every eligible task), and a task another transaction holds is skipped, not waited for, and pruned once it is free.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store-contract.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import * as sqlitePrune from '../../src/store/sqlite/sql/prune.js';
import * as pgPrune from '../../src/store/postgres/sql/prune.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { diamond, newTask, ok, step } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const LEASE = 60_000;
const TABLES = ['tasks', 'steps', 'step_edges', 'transitions', 'annotations'] as const;
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function sqliteStore(): Promise<SqliteStore> {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-prune-'));
  const store = await openSqliteStore(join(dir, 'tasker.db'));
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function postgresStore(): Promise<PostgresStore> {
  const schema = `prune_${Math.random().toString(36).slice(2, 10)}`;
  const store = await openPostgresStore(PG_URL, { schema, poolSize: 3 });
  cleanups.push(async () => {
    await store.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  });
  return store;
}

/** Run everything claimable in namespace `ns` to its end. */
async function runAll(store: Store, ns: string): Promise<void> {
  for (;;) {
    const claimed = await store.claimSteps({ workerId: 'w', limit: 100, leaseMs: LEASE, namespaces: [ns] });
    if (claimed.length === 0) return;
    await store.completeSteps(
      claimed.map((c) => ok(c)),
      { workerId: 'w' },
    );
  }
}

/** Three finished diamonds with an annotation each, and one running task; returns the running task's id. */
async function fill(store: Store): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    const { task_id } = await store.createTask(newTask(diamond(), { namespace: 'done' }));
    await store.addAnnotation(task_id, 'note', { i });
  }
  await runAll(store, 'done');
  const running = await store.createTask(newTask([step('a'), step('b', ['a'])], { namespace: 'busy' }));
  await new Promise((r) => setTimeout(r, 5)); // the store clock moves past the finished tasks' ends
  return running.task_id;
}

describe('pruning leaves no row behind', () => {
  it('SQLite: every table holds only the running task, foreign keys are back on and consistent', async () => {
    const store = await sqliteStore();
    const running = await fill(store);
    const res = await store.pruneTasks({ cutoffs: { completed: { older_than_ms: 0 } }, batch_size: 2 });
    expect(res).toMatchObject({ tasks: 3, steps: 12, step_edges: 12, annotations: 3, batches: 2 });
    const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
    for (const table of TABLES)
      expect(count(`SELECT count(*) AS n FROM ${table} WHERE ${keyOf(table)} <> ${running}`), table).toBe(0);
    expect(count(`SELECT count(*) AS n FROM steps WHERE task_id = ${running}`)).toBe(2);
    expect(count('SELECT count(*) AS n FROM step_edges')).toBe(1);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('SQLite: candidates come from index range scans, and deleting steps scans no table', async () => {
    const store = await sqliteStore();
    const plan = (sql: string, params: Record<string, unknown>) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
    const candidates = plan(sqlitePrune.pruneCandidates, { state: 'completed', cutoff: 1, after: 0, limit: 10 });
    expect(candidates).toContain('SEARCH tasks USING INDEX tasks_state_idx (state=? AND task_id>? AND task_id<?)');
    expect(candidates).toContain('SEARCH tasks USING COVERING INDEX tasks_created_idx (created_at<?)');
    store.db.pragma('foreign_keys = OFF');
    try {
      for (const sql of [sqlitePrune.pruneEdges, sqlitePrune.pruneTransitions, sqlitePrune.pruneSteps]) {
        const steps = plan(sql, { ids: '[1]' });
        expect(
          steps.filter((d) => d.startsWith('SCAN ') && !d.includes('json_each')),
          sql,
        ).toEqual([]);
      }
    } finally {
      store.db.pragma('foreign_keys = ON');
    }
  });

  it('PostgreSQL: every table holds only the running task', async () => {
    const store = await postgresStore();
    const running = await fill(store);
    const res = await store.pruneTasks({ cutoffs: { completed: { older_than_ms: 0 } }, batch_size: 2 });
    expect(res).toMatchObject({ tasks: 3, steps: 12, step_edges: 12, annotations: 3, batches: 2 });
    const q = pg.escapeIdentifier(store.schema);
    for (const table of TABLES) {
      const { rows } = await store.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${q}.${table} WHERE ${keyOf(table, `${q}.`)} <> $1`,
        [running],
      );
      expect(rows[0]!.n, table).toBe(0);
    }
    const edges = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q}.step_edges`);
    expect(edges.rows[0]!.n).toBe(1);
  });

  it('PostgreSQL: a batch takes its tasks in index order, never sorting the eligible ones', async () => {
    const store = await postgresStore();
    const client = await store.pool.connect();
    try {
      // without a sequential scan to fall back on, the plan shows whether an index gives the order
      await client.query('SET enable_seqscan = off');
      for (const after of [null, Date.now() - 60_000])
        for (const state of ['completed', 'failed', 'cancelled']) {
          const plan = await client.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN ${pgPrune.pruneLock.render(schemaNames(store.schema))}`,
            [state, Date.now(), 500, after],
          );
          const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
          expect(text, text).toMatch(/Index Scan using tasks_(created|state)_idx/);
          expect(text, text).not.toMatch(/Sort/);
        }
    } finally {
      client.release();
    }
  });

  it('PostgreSQL: skips a task another transaction holds, and prunes it once free', async () => {
    const store = await postgresStore();
    await fill(store);
    const [held] = (await store.listTasks({ state: 'completed', sort: 'task_id', order: 'asc' })).tasks;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `SELECT 1 FROM ${pg.escapeIdentifier(store.schema)}.tasks WHERE task_id = $1 FOR NO KEY UPDATE`,
        [held!.task_id],
      );
      const first = await store.pruneTasks({ cutoffs: { completed: { older_than_ms: 0 } }, batch_size: 10 });
      expect(first.tasks).toBe(2);
      expect((await store.getTask(held!.task_id))?.current_state).toBe('completed');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const second = await store.pruneTasks({ cutoffs: { completed: { older_than_ms: 0 } }, batch_size: 10 });
    expect(second.tasks).toBe(1);
    expect(await store.getTask(held!.task_id)).toBeNull();
  });
});

/** The column that ties a table's rows to a task (edges through their parent step). */
function keyOf(table: (typeof TABLES)[number], schema = ''): string {
  return table === 'step_edges'
    ? `coalesce((SELECT task_id FROM ${schema}steps s WHERE s.step_id = parent_step_id), 0)`
    : 'task_id';
}
