// The history feed on PostgreSQL, where history ids are assigned before commit: a transaction that commits after rows
// with higher ids were read still reaches the feed's subscribers (looked up again by id), exactly once, after them.
// The late transaction is held open on a connection of the test, so nothing depends on timing.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryFeedRow } from '../../src/core/store-contract.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { postgresDb, PG_URL, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { newTask, step, waitFor } from '../store/conformance/fixtures.js';

describe('history feed on postgres', () => {
  let db: TestDb | null = null;
  let tasker: Tasker | null = null;
  let client: pg.Client | null = null;

  afterEach(async () => {
    await client?.end().catch(() => undefined);
    await tasker?.close();
    await db?.cleanup();
    client = null;
    tasker = null;
    db = null;
  });

  it('delivers a row that commits after higher ids were read, once', async () => {
    db = postgresDb();
    tasker = await openTestEngine(db, { concurrency: 0 });
    const store = tasker.store;
    const first = (await store.createTask(newTask([step('a')]))).task_id;
    const seen: HistoryFeedRow[] = [];
    const sub = await tasker.reads.historyFeed.subscribe((rows) => seen.push(...rows));
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const schema = new URL(db.url).searchParams.get('schema')!;
    await client.query('BEGIN');
    const late = await client.query<{ id: string }>(
      `INSERT INTO "${schema}".transitions (task_id, step_id, from_state, to_state, reason, actor)
       VALUES ($1, NULL, 'running', 'running', 'late commit', 'test') RETURNING transition_id AS id`,
      [first],
    );
    const lateId = Number(late.rows[0]!.id);
    const second = (await store.createTask(newTask([step('b')]))).task_id;
    await waitFor(async () => seen.some((r) => r.task_id === second), 'the second task to reach the feed');
    expect(seen.every((r) => r.history_id !== lateId)).toBe(true);
    expect(seen.some((r) => r.history_id > lateId)).toBe(true);
    await client.query('COMMIT');
    await waitFor(async () => seen.some((r) => r.history_id === lateId), 'the late row to reach the feed');
    const lateRow = seen.find((r) => r.history_id === lateId)!;
    expect(lateRow).toMatchObject({ task_id: first, reason: 'late commit', namespace: 'conformance', run: 1 });
    const third = (await store.createTask(newTask([step('c')]))).task_id;
    await waitFor(async () => seen.some((r) => r.task_id === third), 'the third task to reach the feed');
    expect(seen.filter((r) => r.history_id === lateId)).toHaveLength(1);
    const ids = seen.map((r) => r.history_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf(lateId)).toBeGreaterThan(ids.findIndex((i) => i > lateId));
    sub.unsubscribe();
  });
});
