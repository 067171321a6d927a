// PostgreSQL-only behaviour of the store: the longest schema names PostgreSQL allows (prepared statement names and
// the NOTIFY channel stay valid), NUL characters that jsonb cannot hold, times from the database clock, and the
// partial tag index (migration 14) that only tagged tasks enter and that the tag filter can use, and the room on
// task pages (migration 15) that keeps a task's start on its page.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { schemaNames, wakeChannel } from '../../src/store/postgres/sql.js';
import { listTasksQuery } from '../../src/store/postgres/sql/list-tasks.js';
import { normalizeListFilter } from '../../src/store/shared/list-query.js';
import { err, newTask, ok, step, waitFor } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const LEASE = 60_000;
const schemas: string[] = [];
const stores: PostgresStore[] = [];

async function open(schema = `spec_${Math.random().toString(36).slice(2, 10)}`): Promise<PostgresStore> {
  schemas.push(schema);
  const store = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  await client.end();
});

describe('PostgreSQL store specifics', () => {
  it('works in a schema with a 63-character name, wake-ups included', async () => {
    const schema = `long_${Math.random().toString(36).slice(2, 10)}_`.padEnd(63, 'x');
    expect(Buffer.byteLength(wakeChannel(schema))).toBeLessThanOrEqual(63);
    const store = await open(schema);
    let wakes = 0;
    store.onWake(() => (wakes += 1));
    await store.wakeReady();
    const { task_id } = await store.createTask(newTask([step('a'), step('b', ['a'])]));
    await waitFor(async () => wakes > 0, 'a wake-up on the hashed channel');
    const claimed = await store.claimSteps({ workerId: 'w', limit: 5, leaseMs: LEASE, namespaces: ['conformance'] });
    const done = await store.completeSteps(
      claimed.map((c) => ok(c)),
      { workerId: 'w', claim: { limit: 5, leaseMs: LEASE } },
    );
    await store.completeSteps(
      done.claimed.map((c) => ok(c)),
      { workerId: 'w' },
    );
    expect((await store.getTask(task_id))!.current_state).toBe('completed');
    expect((await store.listTasks({ sort: 'completed_at' })).tasks.map((t) => t.task_id)).toEqual([task_id]);
  });

  it('refuses data holding NUL characters by name, and stores error messages with NUL replaced', async () => {
    const store = await open();
    await expect(store.createTask(newTask([step('a')], { context: { note: 'a\u0000b' } }))).rejects.toThrow(
      InvalidRequestError,
    );
    await expect(store.createTask(newTask([step('a')], { context: { note: 'a\u0000b' } }))).rejects.toThrow(
      /task context contains the NUL character/,
    );
    const { task_id } = await store.createTask(
      newTask([step('a'), step('b')], { context: { path: 'C:\\u0000 is not NUL' } }),
    );
    expect((await store.getTask(task_id))!.context).toEqual({ path: 'C:\\u0000 is not NUL' });
    const [a, b] = await store.claimSteps({ workerId: 'w', limit: 2, leaseMs: LEASE });
    await expect(store.completeSteps([ok(a!, { raw: '\u0000' })], { workerId: 'w' })).rejects.toThrow(
      `results of step ${a!.step_id} contains the NUL character`,
    );
    const failed = await store.completeSteps(
      [{ type: 'failed', step_id: b!.step_id, task_id, attempt: b!.attempt, error: err('bad byte \u0000 here') }],
      { workerId: 'w' },
    );
    expect(failed.applied).toEqual([b!.step_id]);
    const stepB = (await store.getTask(task_id))!.workflow_steps.find((s) => s.name === 'b')!;
    expect(stepB.error!.message).toBe('bad byte \ufffd here');
  });

  it('takes times from the database clock, in whole milliseconds', async () => {
    const store = await open();
    const { task_id } = await store.createTask(newTask([step('a')]));
    const [a] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 12_345 });
    await store.completeSteps(
      [{ type: 'retry', step_id: a!.step_id, task_id, attempt: 1, delayMs: 1_500.2, error: err('later') }],
      { workerId: 'w' },
    );
    const history = await store.getHistory(task_id, a!.step_id);
    const retryRow = history.find((h) => h.to_state === 'retrying')!;
    const s = (await store.getTask(task_id))!.workflow_steps[0]!;
    expect(s.next_attempt_at).toBe(retryRow.at + 1_501);
    expect(await store.nextRetryAt()).toBe(s.next_attempt_at);
    expect(Number.isInteger(retryRow.at) && Number.isInteger(a!.started_at)).toBe(true);
    // A retrying step holds no lease; the claim history row carries the attempt start time.
    expect(s.lease_expires_at).toBeNull();
    expect(history.find((h) => h.to_state === 'running')!.at).toBe(a!.started_at);
  });

  it('keeps untagged tasks out of the tag index, and collects a tag filter through it', async () => {
    const store = await open();
    const schema = store.schema;
    await store.createTask(newTask([step('a')], { tags: ['blue'] }));
    await store.createTask(newTask([step('a')], { tags: [] }));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const q = pg.escapeIdentifier(schema);
      const { rows: predicate } = await client.query<{ def: string }>(
        `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = '${q}.tasks'::regclass
           AND pg_get_indexdef(indexrelid) LIKE '%gin (tags)%'`,
      );
      expect(predicate.map((r) => r.def)).toEqual([expect.stringMatching(/WHERE \(cardinality\(tags\) > 0\)$/)]);
      const f = normalizeListFilter({ tags: ['blue'] });
      const { statement, params } = listTasksQuery(schemaNames(schema), f, 'collect');
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, params);
      await client.query('ROLLBACK');
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('tasks_tagged_idx');
      expect((await store.listTasks({ tags: ['blue'] })).tasks).toHaveLength(1);
    } finally {
      await client.end();
    }
  });

  it('keeps a started task on its page: the start is a HOT update (fillfactor 50)', async () => {
    const store = await open();
    const q = pg.escapeIdentifier(store.schema);
    // Enough tasks in one batch to fill several pages up to the fillfactor; then every task starts.
    await store.createTasks(Array.from({ length: 300 }, () => newTask([step('a')])));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const blocks = async () =>
        (
          await client.query<{ id: string; block: string }>(
            `SELECT task_id AS id, (ctid::text::point)[0]::bigint AS block FROM ${q}.tasks ORDER BY task_id`,
          )
        ).rows.map((r) => `${r.id}@${r.block}`);
      const before = await blocks();
      expect(await store.claimSteps({ workerId: 'w', limit: 300, leaseMs: LEASE })).toHaveLength(300);
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${q}.tasks WHERE started_at IS NOT NULL`,
      );
      expect(Number(rows[0]!.n)).toBe(300);
      // With fillfactor 80 most of them moved to another page (a non-HOT update, an entry in every index).
      expect(await blocks()).toEqual(before);
    } finally {
      await client.end();
    }
  });

  it("hands the task's context over with the claim that starts the task, once per task", async () => {
    const store = await open();
    const { task_id } = await store.createTask(
      newTask([step('a'), step('b'), step('c', ['a'])], {
        context: { order: 7, big: 12345678901234 },
        tags: ['blue'],
        reason: 'test',
      }),
    );
    const first = await store.claimSteps({ workerId: 'w', limit: 10, leaseMs: LEASE });
    expect(first.map((c) => c.name)).toEqual(['a', 'b']);
    const [a, b] = first;
    expect(a!.task_started).toBe(true);
    expect(a!.context).toEqual(await store.getTaskContexts([task_id]).then((m) => m.get(task_id)));
    expect(a!.context).toMatchObject({ context: { order: 7, big: 12345678901234 }, tags: ['blue'], reason: 'test' });
    expect(b!.context).toBeUndefined();
    await store.completeSteps([ok(a!, { done: true })], { workerId: 'w' });
    const [c] = await store.claimSteps({ workerId: 'w', limit: 10, leaseMs: LEASE });
    expect(c!.name).toBe('c');
    expect(c!.context).toBeUndefined();
  });

  it('hands over the context of a task its completion claim starts', async () => {
    const store = await open();
    const x = await store.createTask(newTask([step('a')], { context: { x: 1 } }));
    const y = await store.createTask(newTask([step('a')], { context: { y: 2 }, tags: ['green'] }));
    const [first] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
    expect(first!.task.task_id).toBe(x.task_id);
    const done = await store.completeSteps([ok(first!)], { workerId: 'w', claim: { limit: 1, leaseMs: LEASE } });
    expect(done.finalized.map((f) => f.task_id)).toEqual([x.task_id]);
    const [next] = done.claimed;
    expect(next!.task.task_id).toBe(y.task_id);
    expect(next!.task_started).toBe(true);
    expect(next!.context).toEqual(await store.getTaskContexts([y.task_id]).then((m) => m.get(y.task_id)));
    expect(next!.context).toMatchObject({ context: { y: 2 }, tags: ['green'] });
  });

  it('NOTIFYs after a one-step completion only for a readied step it left unclaimed', async () => {
    const schema = `spec_${Math.random().toString(36).slice(2, 10)}`;
    const store = await open(schema);
    const channel = schemaNames(schema).channel;
    const listener = new pg.Client({ connectionString: PG_URL });
    await listener.connect();
    const seen: string[] = [];
    listener.on('notification', (m) => {
      if (m.channel === channel) seen.push(m.payload ?? '');
    });
    await listener.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    // notifications arrive in commit order: a marker sent after a completion shows everything it sent
    let markers = 0;
    const notifiedBefore = async (): Promise<string[]> => {
      const marker = `marker ${++markers}`;
      await listener.query('SELECT pg_notify($1, $2)', [channel, marker]);
      await waitFor(async () => seen.includes(marker), marker);
      return seen.splice(0).filter((p) => p !== marker);
    };
    try {
      const chain = await store.createTask(newTask([step('a'), step('b', ['a'])]));
      await notifiedBefore();
      const [a] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
      const one = { workerId: 'w', claim: { limit: 1, leaseMs: LEASE } };
      // a's completion readies b and claims it itself: nobody else needs waking
      const afterA = await store.completeSteps([ok(a!)], one);
      expect(afterA.claimed.map((c) => c.name)).toEqual(['b']);
      expect(await notifiedBefore()).toEqual([]);
      const afterB = await store.completeSteps([ok(afterA.claimed[0]!)], one);
      expect(afterB.finalized.map((f) => f.task_id)).toEqual([chain.task_id]);
      expect(await notifiedBefore()).toEqual([]);
      // a fork readies two steps and claims one: the other workers are woken for the second
      await store.createTask(newTask([step('a'), step('b', ['a']), step('c', ['a'])]));
      await notifiedBefore();
      const [fa] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
      const afterFork = await store.completeSteps([ok(fa!)], one);
      expect(afterFork.claimed).toHaveLength(1);
      expect(await notifiedBefore()).toEqual(['']);
    } finally {
      await listener.end();
    }
  });
});
