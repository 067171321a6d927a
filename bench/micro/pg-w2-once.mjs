// One W2 run (1,000 diamonds A→(B,C,D)→E) on PostgreSQL in one process, against a BUILT checkout (its dist/), as
// plain JavaScript: a fresh schema, two submitMany calls of 500, one engine (concurrency 500) running the steps.
// Prints JSON with the submit time and the wall time (first submit → last step), so two checkouts can be alternated
// in one session without the harness's worker processes (issue 14's cost check: docs/benchmarks.md).
//   node bench/micro/pg-w2-once.mjs /path/to/checkout [schema]      (TASKER_TEST_PG_URL or 127.0.0.1:5432/test)
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const root = process.argv[2] ?? process.cwd();
const schema = process.argv[3] ?? 'bench_pg_w2_once';
const base = process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const n = 1000;
const lib = await import(join(root, 'dist/index.js'));
const req = createRequire(join(root, 'package.json'));
const pino = req('pino');
const pg = req('pg');
const H = 'Bench::H';
const diamond = lib.defineTask({
  name: 'diamond',
  namespace_name: 'bench',
  version: '1.0.0',
  step_templates: [
    { name: 'a', handler_class: H },
    { name: 'b', handler_class: H, depends_on_step: 'a' },
    { name: 'c', handler_class: H, depends_on_step: 'a' },
    { name: 'd', handler_class: H, depends_on_step: 'a' },
    { name: 'e', handler_class: H, depends_on_steps: ['b', 'c', 'd'] },
  ],
});
async function dropSchema() {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
await dropSchema();
let done = 0;
let allDone;
const finished = new Promise((r) => (allDone = r));
const tasker = await lib.Tasker.open({
  db: `${base}?schema=${schema}`,
  logger: pino({ level: 'silent' }),
  templates: [diamond],
  concurrency: 500,
  handlers: {
    [H]: () => {
      if (++done === n * 5) allDone();
      return null;
    },
  },
});
const requests = Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: 'diamond', context: { t: i } }));
const t0 = performance.now();
await tasker.submitMany(requests.slice(0, n / 2));
await tasker.submitMany(requests.slice(n / 2));
const t1 = performance.now();
await finished;
const t2 = performance.now();
await tasker.close();
await dropSchema();
console.log(JSON.stringify({ root, submitMs: +(t1 - t0).toFixed(1), wallMs: +(t2 - t0).toFixed(1) }));
