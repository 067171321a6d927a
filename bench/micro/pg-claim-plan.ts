// What the PostgreSQL claim statement costs in the database, W5's case: one ready step among N finished one-step
// tasks (tables vacuumed and analysed). Runs the claim under EXPLAIN (ANALYZE, BUFFERS, TIMING off) in a transaction
// that is rolled back, R times, and prints the median planning and execution times and the last plan. (A pooled
// worker's claim is a prepared statement with a cached plan, so it pays the execution, not the planning.)
//   npx tsx bench/micro/pg-claim-plan.ts [tasks=2000] [runs=30] [postgres://root@127.0.0.1:5432/test]
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { createOneStepTasks } from './one-step-task.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { claim } from '../../src/store/postgres/sql/claim.js';

const n = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 30);
const url = process.argv[4] ?? 'postgres://root@127.0.0.1:5432/test';
const schema = `micro_claim_plan_${process.pid}`;
const q = pg.escapeIdentifier(schema);
const store = await openPostgresStore(url, { schema });
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await createOneStepTasks(store, n);
  // every step but the newest finished, as in a steady stream of one-step tasks
  await client.query(
    `UPDATE ${q}.steps SET state = 'completed', ready_at = NULL WHERE step_id < (SELECT max(step_id) FROM ${q}.steps)`,
  );
  await client.query(`UPDATE ${q}.tasks SET state = 'completed' WHERE task_id < (SELECT max(task_id) FROM ${q}.tasks)`);
  for (const t of ['steps', 'tasks', 'transitions']) await client.query(`VACUUM ANALYZE ${q}.${t}`);
  const text = claim.render(schemaNames(schema));
  const planning: number[] = [];
  const execution: number[] = [];
  let plan = '';
  for (let r = 0; r < runs; r++) {
    await client.query('BEGIN');
    const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, TIMING off) ${text}`, [
      'w',
      10,
      60_000,
      null,
      null,
    ]);
    await client.query('ROLLBACK');
    plan = res.rows.map((x) => x['QUERY PLAN']).join('\n');
    planning.push(Number(/Planning Time: ([\d.]+)/.exec(plan)?.[1]));
    execution.push(Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1]));
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(plan);
  console.log(JSON.stringify({ tasks: n, runs, planningMs: median(planning), executionMs: median(execution) }));
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
  await client.end();
  await store.close();
}
