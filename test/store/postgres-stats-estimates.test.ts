// PostgreSQL stats() on large tables: above the size threshold the counts by state are the planner's estimates from
// the column statistics (no count of the table), and they agree with the exact counts right after an ANALYZE.
// The threshold is lowered here so a small table takes the estimate path.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { claim, complete, create, diamond, ok } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

let schema: string;
let store: PostgresStore;

beforeEach(async () => {
  schema = `est_${Math.random().toString(36).slice(2, 10)}`;
  store = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
});

afterEach(async () => {
  await store.close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

/** VACUUM (the planner learns the table's size) or ANALYZE (its size and column statistics) both tables. */
async function maintain(command: 'VACUUM' | 'ANALYZE'): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const t of ['tasks', 'steps']) await client.query(`${command} ${pg.escapeIdentifier(schema)}.${t}`);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stats estimates', () => {
  it('counts exactly below the threshold, and estimates from the statistics above it', async () => {
    for (let i = 0; i < 30; i++) await create(store, diamond());
    // Finish ten tasks' first steps and leave the rest: several states in both tables.
    const claimed = await claim(store, 'w', 10);
    await complete(
      store,
      claimed.map((c) => ok(c)),
      'w',
    );
    await claim(store, 'w', 5);
    const exact = await store.stats();
    expect(exact.counts_estimated).toBe(false);
    expect(exact.steps_by_state).toEqual({ completed: 10, running: 5, pending: 105 });

    // Never analysed: the planner knows no size (-1), so nothing counts as large.
    store.statsEstimateAbove = 0;
    expect((await store.stats()).counts_estimated).toBe(false);

    // Sized but without column statistics (vacuumed, never analysed): counted, not estimated.
    await maintain('VACUUM');
    const vacuumed = await store.stats();
    expect(vacuumed.counts_estimated).toBe(false);
    expect(vacuumed.steps_by_state).toEqual(exact.steps_by_state);

    await maintain('ANALYZE');
    const estimated = await store.stats();
    expect(estimated.counts_estimated).toBe(true);
    // A table this small is sampled whole: the estimates are the counts.
    expect(estimated.tasks_by_state).toEqual(exact.tasks_by_state);
    expect(estimated.steps_by_state).toEqual(exact.steps_by_state);
    expect(estimated.ready_depth).toBe(exact.ready_depth);

    // The estimates stay what the last ANALYZE saw, until the next one.
    await create(store, diamond());
    expect((await store.stats()).tasks_by_state).toEqual(exact.tasks_by_state);
    store.statsEstimateAbove = 1_000_000;
    expect((await store.stats()).tasks_by_state).toEqual({ running: 31 });
  });
});
