// The claim's plans once rate-limited steps have an index of their own (migrations PG 0011 / SQLite 0012): the plain
// claim still walks the partial steps_claim_idx in claim order with no sort, and the rate claim's candidates walk
// steps_rate_ready_idx the same way, on both stores. What the conformance suite cannot see through the Store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { claimQuery } from '../../src/store/sqlite/sql/claim.js';
import { claim } from '../../src/store/postgres/sql/claim.js';
import { rateCandidates } from '../../src/store/postgres/sql/rate-limits.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { PG_URL } from '../support/stores.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('claim plans with rate-limited steps', () => {
  it('SQLite: the plain claim walks steps_claim_idx, the rate claim steps_rate_ready_idx, neither sorts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasker-rate-plan-'));
    const store = await openSqliteStore(join(dir, 'tasker.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const plan = (sql: string, n: number) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<number>(n).fill(1)) as Array<{ detail: string }>).map(
        (r) => r.detail,
      );
    for (const [rated, index] of [
      [false, 'steps_claim_idx'],
      [true, 'steps_rate_ready_idx'],
    ] as const) {
      const steps = plan(claimQuery(10, true, true, rated), 3);
      expect(steps[0], steps.join('\n')).toBe(`SCAN s USING INDEX ${index}`);
      expect(steps.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('PostgreSQL: the plain claim walks steps_claim_idx, the rate claim steps_rate_ready_idx, neither sorts', async () => {
    const schema = `rateplan_${Math.random().toString(36).slice(2, 10)}`;
    const store = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
    cleanups.push(async () => {
      await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await store.close();
    });
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off'); // the plan shows whether an index gives the order
      const n = schemaNames(schema);
      const picked = async (sql: string, params: unknown[]) => {
        const rows = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        const text = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        // the claim's pick is its first CTE (what follows sorts only the few rows it claimed)
        return text.includes('CTE picked') ? text.slice(text.indexOf('CTE picked'), text.indexOf('CTE claimed')) : text;
      };
      const plain = await picked(claim.render(n), ['w', 10, 60_000, null, null]);
      expect(plain, plain).toMatch(/Index Scan using steps_claim_idx/);
      expect(plain, plain).not.toMatch(/Sort/);
      const rated = await picked(rateCandidates.render(n), [10, null, null]);
      expect(rated, rated).toMatch(/Index Scan using steps_rate_ready_idx/);
      expect(rated, rated).not.toMatch(/Sort/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
