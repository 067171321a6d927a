// What one workload costs on PostgreSQL, measured in quantities a busy 2-core machine does not distort much: WAL
// bytes, commits, CPU seconds of this process and of every PostgreSQL process, rows read by sequential scans of the
// task tables, per task — beside the wall time.
// Runs W1 (one-step tasks), W2 (diamonds) or W3 (a chain of 100 steps) in one process (library use) against a
// BUILT checkout (its dist/), as plain JavaScript, so two checkouts can be compared in one session.
//   node bench/micro/pg-cost.mjs /path/to/checkout [flat|diamond|chain] [tasks] [concurrency] [prefetch]
//   PG_COST_SQL='ALTER TABLE ${schema}.tasks SET (fillfactor = 80)' node bench/micro/pg-cost.mjs …   (try a change)
//   (TASKER_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test; schema bench_pg_cost)
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshSchema, loadCheckout } from './checkout.mjs';
import { postgresCpu } from './postgres-cpu.mjs';

const { root, lib, require: req } = await loadCheckout(process.argv[2]);
const shape = process.argv[3] ?? 'flat';
const n = Number(process.argv[4] ?? (shape === 'chain' ? 1 : shape === 'diamond' ? 1000 : 10000));
const concurrency = Number(process.argv[5] ?? 500);
const prefetch = Number(process.argv[6] ?? 0);
const schema = 'bench_pg_cost';
const base = process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pino = req('pino');
const pg = req('pg');
const H = 'Bench::H';
const names =
  shape === 'chain'
    ? Array.from({ length: Number(process.env.PG_COST_CHAIN ?? 100) }, (_, i) => `s${i}`)
    : shape === 'diamond'
      ? ['a', 'b', 'c', 'd', 'e']
      : ['a'];
const parents = (name, i) =>
  shape === 'chain'
    ? i
      ? [names[i - 1]]
      : []
    : shape === 'diamond'
      ? ({ a: [], e: ['b', 'c', 'd'] }[name] ?? ['a'])
      : [];
const template = lib.defineTask({
  name: shape,
  namespace_name: 'bench',
  version: '1.0.0',
  step_templates: names.map((name, i) =>
    parents(name, i).length
      ? { name, handler_class: H, depends_on_steps: parents(name, i) }
      : { name, handler_class: H },
  ),
});

const admin = await freshSchema(pg, base, schema);
const wal = async () => (await admin.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l;
const commits = async () =>
  Number(
    (await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()')).rows[0]
      .xact_commit,
  );

let done = 0;
let allDone;
const finished = new Promise((r) => (allDone = r));
const tasker = await lib.Tasker.open({
  db: `${base}?schema=${schema}`,
  logger: pino({ level: 'silent' }),
  templates: [template],
  concurrency,
  ...(prefetch ? { prefetch } : {}),
  handlers: {
    [H]: () => {
      if (++done === n * names.length) allDone();
      return null;
    },
  },
});
// PG_COST_SQL: statements run after the migrations (${schema} substituted), to try a schema change before writing it.
if (process.env.PG_COST_SQL) await admin.query(process.env.PG_COST_SQL.replaceAll('${schema}', schema));
const requests = Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: shape, context: { t: i } }));
const wal0 = await wal();
const c0 = await commits();
const pg0 = postgresCpu();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i += 500) await tasker.submitMany(requests.slice(i, i + 500));
const t1 = performance.now();
await finished;
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const pgCpu = postgresCpu() - pg0;
const walEnd = await wal();
const walBytes = Number((await admin.query('SELECT pg_wal_lsn_diff($2, $1) AS d', [wal0, walEnd])).rows[0].d);
await tasker.close();
// rows that sequential scans of the big tables read (a statement that walks a table instead of its keys); backends
// report their counters within a second of going idle (PostgreSQL 15), so wait that long after closing
await sleep(1100);
// (commits too: read right after the run, the last second's were still unreported and a chain showed 50-76 per 100)
const commitCount = (await commits()) - c0;
const seqRows = Number(
  (
    await admin.query(
      `SELECT coalesce(sum(seq_tup_read), 0) AS n FROM pg_stat_user_tables
        WHERE schemaname = $1 AND relname IN ('tasks', 'steps', 'step_edges', 'transitions')`,
      [schema],
    )
  ).rows[0].n,
);
if (!process.env.PG_COST_KEEP) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.end();
const steps = n * names.length;
console.log(
  JSON.stringify({
    root,
    shape,
    tasks: n,
    steps,
    concurrency,
    prefetch,
    submitMs: +(t1 - t0).toFixed(1),
    wallMs: +(t2 - t0).toFixed(1),
    stepsPerS: Math.round(steps / ((t2 - t0) / 1000)),
    walBytesPerStep: Math.round(walBytes / steps),
    commitsPer100Steps: +((commitCount * 100) / steps).toFixed(2),
    nodeCpuUsPerStep: Math.round((cpu.user + cpu.system) / steps),
    pgCpuUsPerStep: Math.round((pgCpu * 1e6) / steps),
    seqScanRowsPerStep: Math.round(seqRows / steps),
    walFrom: wal0,
    walTo: walEnd,
  }),
);
