// LISTEN/NOTIFY wake-ups on PostgreSQL: another process's new task, readied child, release or reclaim wakes a
// store's listeners; a transaction notifies once however many steps it readies; unsubscribing stops wake-ups.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { wakeChannel } from '../../src/store/postgres/sql.js';
import { newTask, ok, step, waitFor } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const LEASE = 60_000;

let schema: string;
let listener: PostgresStore;
let writer: PostgresStore;
let spy: pg.Client;
/** Payloads seen on the store's channel by an independent LISTEN connection, in delivery order. */
let payloads: string[];

beforeEach(async () => {
  schema = `wake_${Math.random().toString(36).slice(2, 10)}`;
  listener = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
  writer = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
  spy = new pg.Client({ connectionString: PG_URL });
  await spy.connect();
  payloads = [];
  spy.on('notification', (msg) => payloads.push(msg.payload ?? ''));
  await spy.query(`LISTEN ${pg.escapeIdentifier(wakeChannel(schema))}`);
});

afterEach(async () => {
  await spy.end();
  await listener.close();
  await writer.close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

/** Notifications arrive in commit order: once our marker arrives, every earlier one has too. */
async function settle(): Promise<string[]> {
  const marker = `marker-${Math.random()}`;
  await writer.pool.query('SELECT pg_notify($1, $2)', [wakeChannel(schema), marker]);
  await waitFor(async () => payloads.includes(marker), 'marker notification');
  const seen = payloads.slice(0, payloads.indexOf(marker));
  payloads = [];
  return seen;
}

describe('PostgreSQL wake-ups', () => {
  it('wakes a listener in another store when a task with ready steps is created', async () => {
    let wakes = 0;
    listener.onWake(() => (wakes += 1));
    await listener.wakeReady();
    await writer.createTask(newTask([step('a')]));
    await waitFor(async () => wakes > 0, 'a wake-up');
    expect(wakes).toBeGreaterThan(0);
  });

  it('notifies once per transaction, however many steps become ready', async () => {
    await settle();
    await writer.createTask(newTask(Array.from({ length: 50 }, (_, i) => step(`root${i}`))));
    expect(await settle()).toEqual(['']);
    const claimed = await writer.claimSteps({ workerId: 'w', limit: 50, leaseMs: LEASE });
    expect(await settle()).toEqual([]); // claiming readies nothing
    await writer.completeSteps(
      claimed.slice(0, 10).map((c) => ok(c)),
      { workerId: 'w' },
    );
    expect(await settle()).toEqual([]); // no children: nothing became claimable
  });

  it('notifies when a completion readies children, a step is released, or a lease is reclaimed', async () => {
    await writer.createTask(newTask([step('a'), step('b', ['a']), step('c', ['a'])]));
    await settle();
    const [a] = await writer.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
    await writer.completeSteps([ok(a!)], { workerId: 'w' });
    expect(await settle()).toEqual(['']);
    const [b] = await writer.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
    await writer.completeSteps(
      [{ type: 'released', step_id: b!.step_id, task_id: b!.task.task_id, attempt: b!.attempt }],
      { workerId: 'w' },
    );
    expect(await settle()).toEqual(['']);
    await writer.claimSteps({ workerId: 'doomed', limit: 5, leaseMs: LEASE });
    await settle();
    const reclaimed = await writer.reclaimSteps({ kind: 'workers', workerIds: ['doomed'] });
    expect(reclaimed.reclaimed).toHaveLength(2);
    expect(await settle()).toEqual(['']);
  });

  it('stops calling a listener after it unsubscribes', async () => {
    let kept = 0;
    let dropped = 0;
    listener.onWake(() => (kept += 1));
    const unsubscribe = listener.onWake(() => (dropped += 1));
    await listener.wakeReady();
    await writer.createTask(newTask([step('a')]));
    await waitFor(async () => kept === 1 && dropped === 1, 'both listeners woken');
    unsubscribe();
    await writer.createTask(newTask([step('a')]));
    await waitFor(async () => kept === 2, 'the remaining listener woken');
    expect(dropped).toBe(1);
  });
});
