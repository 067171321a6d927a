// What one call of the PostgreSQL completion function costs in the database for a one-step task (W5's completion),
// with and without the claim it makes on the way out. N one-step tasks are created and claimed; then, in one session
// and one transaction (no commits: CPU only), a DO block completes them one call each, once asking the function to
// claim up to 1 more step (there is none: what an empty claim costs) and once asking for no claim, rolled back after
// each pass; R rounds alternate the two. Prints the µs per call of each pass.
//   npx tsx bench/micro/pg-completion-overhead.ts [tasks=3000] [rounds=3] [postgres://root@127.0.0.1:5432/test]
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { createOneStepTasks } from './one-step-task.js';

const n = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 3);
const url = process.argv[4] ?? 'postgres://root@127.0.0.1:5432/test';
const schema = `micro_completion_overhead_${process.pid}`;
const q = pg.escapeIdentifier(schema);
const store = await openPostgresStore(url, { schema });
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await createOneStepTasks(store, n);
  const claimed = await store.claimSteps({ workerId: 'w', limit: n, leaseMs: 3_600_000 });
  if (claimed.length !== n) throw new Error(`claimed ${claimed.length} of ${n}`);
  const pass = async (claimLimit: 'NULL' | '1'): Promise<number> => {
    await client.query('BEGIN');
    const t0 = performance.now();
    await client.query(`DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT step_id, task_id, attempts FROM ${q}.steps WHERE state = 'running' ORDER BY step_id LOOP
        PERFORM ${q}.complete_steps_v7(ARRAY[r.step_id], ARRAY[r.task_id], ARRAY[r.attempts], ARRAY['completed'],
          ARRAY['{}'::jsonb], ARRAY[NULL::jsonb], ARRAY[NULL::float8], ARRAY[0], 'w', '{}', '{}', '{}', '{}', '{}',
          ${claimLimit}, 60000, NULL, NULL);
      END LOOP; END $$`);
    const us = ((performance.now() - t0) * 1000) / n;
    await client.query('ROLLBACK');
    return Math.round(us);
  };
  const withClaim: number[] = [];
  const withoutClaim: number[] = [];
  for (let r = 0; r < rounds; r++) {
    withClaim.push(await pass('1'));
    withoutClaim.push(await pass('NULL'));
  }
  console.log(JSON.stringify({ tasks: n, usPerCallWithEmptyClaim: withClaim, usPerCallWithoutClaim: withoutClaim }));
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
  await client.end();
  await store.close();
}
