// W1 on PostgreSQL split in its two halves: N one-step tasks submitted with submitMany in chunks of 500 while no
// engine runs steps, then run by E engines of concurrency C in this process (library use), each half timed with
// this process's and every PostgreSQL process's CPU per task. `together` starts the engines first, as the harness's
// W1 does, and reports the whole. Against a BUILT checkout (its dist/), as plain JavaScript, so two builds can be
// alternated in one session. E = 0 submits only (a statement log then shows what creation costs).
//   node bench/micro/pg-w1-split.mjs /path/to/checkout [tasks=10000] [engines=1] [concurrency=500] [together]
//   (TASKER_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test; schema bench_w1_split)
import { performance } from 'node:perf_hooks';
import { dropSchema, flatTemplate, freshSchema, loadCheckout } from './checkout.mjs';
import { postgresCpu } from './postgres-cpu.mjs';

const { root, lib, require: req } = await loadCheckout(process.argv[2]);
const n = Number(process.argv[3] ?? 10000);
const engineCount = Number(process.argv[4] ?? 1);
const concurrency = Number(process.argv[5] ?? 500);
const together = process.argv[6] === 'together';
const schema = 'bench_w1_split';
const base = process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pino = req('pino');
const pg = req('pg');

const admin = await freshSchema(pg, base, schema);
const flat = flatTemplate(lib);
let done = 0;
let allDone;
const finished = new Promise((r) => (allDone = r));
const open = () =>
  lib.Tasker.open({
    db: `${base}?schema=${schema}`,
    logger: pino({ level: 'silent' }),
    templates: [flat],
    concurrency,
    start: false,
    handlers: {
      'Bench::H': () => {
        if (++done === n) allDone();
        return null;
      },
    },
  });
const submitter = await open();
const engines = [];
for (let i = 0; i < engineCount; i++) engines.push(i === 0 ? submitter : await open());
const requests = Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: 'flat', context: { t: i } }));

/** CPU and wall since `from`, per task: this process and every PostgreSQL process. */
const mark = () => ({ t: performance.now(), node: process.cpuUsage(), pg: postgresCpu() });
const since = (from) => {
  const cpu = process.cpuUsage(from.node);
  return {
    ms: Math.round(performance.now() - from.t),
    nodeCpuUsPerTask: Math.round((cpu.user + cpu.system) / n),
    pgCpuUsPerTask: Math.round(((postgresCpu() - from.pg) * 1e6) / n),
  };
};
const startAll = () => Promise.all(engines.map((e) => e.start()));

if (together) await startAll();
const m0 = mark();
for (let i = 0; i < n; i += 500) await submitter.submitMany(requests.slice(i, i + 500));
const submit = since(m0);
let run = null;
if (engineCount > 0) {
  const m1 = mark();
  if (!together) await startAll();
  await finished;
  run = since(together ? m0 : m1);
}
for (const e of engineCount > 0 ? engines : [submitter]) await e.close();
await dropSchema(admin, schema);
console.log(
  JSON.stringify({
    root,
    tasks: n,
    engines: engineCount,
    concurrency,
    together,
    submit,
    ...(run ? { [together ? 'whole' : 'run']: run, tasksPerS: Math.round(n / (run.ms / 1000)) } : {}),
  }),
);
