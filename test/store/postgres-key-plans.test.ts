// The plans of the PostgreSQL hot path on a new schema (issue 16): the claim statement and every statement of the
// completion function reach steps, tasks and edges by key, never by a sequential scan. On tables without statistics
// (every new schema until autovacuum analyses it) `= ANY(array)` lookups and joins were planned as scans, and the
// cached plans kept scanning as the tables grew. The plans are read with auto_explain in the test's own session
// (nested statements included, sent to the client as notices), past the fifth run of each statement, where cached
// plans turn generic.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { claim } from '../../src/store/postgres/sql/claim.js';
import { completeSteps } from '../../src/store/postgres/sql/complete.js';
import { create, diamond, LEASE, linear } from './conformance/fixtures.js';
import { PG_URL } from '../support/stores.js';

const schema = `plans_${Math.random().toString(36).slice(2, 10)}`;
let store: PostgresStore | undefined;
let client: pg.Client | undefined;

afterAll(async () => {
  await client?.end();
  await store?.close();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await admin.end();
});

interface ClaimedRow {
  step_id: string;
  task_id: string;
  attempt: number;
}

describe('PostgreSQL hot-path plans on a new schema', () => {
  it('claims and completes by key: no sequential scan of steps, tasks or edges', async () => {
    store = await openPostgresStore(PG_URL, { schema, poolSize: 1 });
    for (let i = 0; i < 8; i++) await create(store, diamond());
    for (let i = 0; i < 8; i++) await create(store, linear());

    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const plans: string[] = [];
    client.on('notice', (n) => {
      if (n.message?.includes('plan:')) plans.push(n.message);
    });
    await client.query(`LOAD 'auto_explain'`);
    for (const setting of [
      'auto_explain.log_min_duration = 0',
      'auto_explain.log_nested_statements = on',
      `auto_explain.log_level = 'notice'`,
    ])
      await client.query(`SET ${setting}`);

    const names = schemaNames(schema);
    const claimStatement = { name: claim.name, text: claim.render(names) };
    const completeStatement = { name: completeSteps.name, text: completeSteps.render(names) };
    const c = client;
    const claimSome = async (limit: number) =>
      (await c.query<ClaimedRow>({ ...claimStatement, values: ['w', limit, LEASE, null, null] })).rows;
    /** One call of the completion function: `done` completed in step-id order, then a claim of up to `limit`. */
    const completeThem = async (done: ClaimedRow[], limit: number) => {
      const sorted = [...done].sort((a, b) => Number(a.step_id) - Number(b.step_id));
      const reply = await c.query<{ r: { claimed: ClaimedRow[]; applied: number[] } }>({
        ...completeStatement,
        values: [
          sorted.map((s) => s.step_id),
          sorted.map((s) => s.task_id),
          sorted.map((s) => s.attempt),
          sorted.map(() => 'completed'),
          sorted.map(() => '{"ok":true}'),
          sorted.map(() => null),
          sorted.map(() => null),
          sorted.map((_, i) => i),
          'w',
          [],
          [],
          [],
          [],
          [],
          limit,
          LEASE,
          null,
          null,
        ],
      });
      expect(reply.rows[0]!.r.applied).toHaveLength(done.length);
      return reply.rows[0]!.r.claimed;
    };

    // The plain claim, past its fifth run; then one outcome per call (the one-outcome path) and pairs (the batch
    // path), each call claiming on, until nothing is left.
    let running: ClaimedRow[] = [];
    for (let i = 0; i < 7; i++) running.push(...(await claimSome(1)));
    let calls = 0;
    while (running.length > 0) {
      const take = calls % 2 === 0 ? 1 : 2;
      const done = running.slice(0, take);
      running = running.slice(take);
      running.push(...(await completeThem(done, take)));
      calls += 1;
    }
    expect(calls).toBeGreaterThan(12);
    expect(await store.stats()).toMatchObject({ tasks_by_state: { completed: 16 } });

    // the nested statements were seen: the claim's task probe, the one-outcome release of children by edge
    const all = plans.join('\n');
    expect(all).toMatch(/Index Scan using tasks_pkey/);
    expect(all).toMatch(/step_edges/);
    const scans = plans.filter((p) => /Seq Scan on (steps|tasks|step_edges)\b/.test(p));
    expect(scans.map((p) => p.slice(0, 1500))).toEqual([]);
  });
});
