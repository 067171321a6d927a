// W5's path on PostgreSQL in one process, against a BUILT checkout (its dist/), as plain JavaScript, so two builds
// can be alternated in one session: one engine submits (concurrency 0) and another runs the steps (concurrency 10),
// both on a fresh schema; N one-step tasks are submitted one at a time, GAP ms apart. Prints JSON: submit p50/p99
// (the creating statement and its commit) and submit → handler start p50/p99. With PG_PROBE_COUNT=1 it also prints,
// on stderr, how many times each named statement ran through the pool and their total time (round trips per start).
//   node bench/micro/pg-w5-probe.mjs /path/to/checkout [tasks=300] [gapMs=5]
//   (PG_PROBE_TIMELINE=1: the hops of each start, below)
//   (TASKER_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test; schema bench_pg_w5; PG_PROBE_SQL: statements
//   run after the migrations, ${schema} substituted, to try a schema change)
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { dropSchema, flatTemplate, freshSchema, loadCheckout } from './checkout.mjs';
import { postgresCpu } from './postgres-cpu.mjs';

const { root, lib, require: req } = await loadCheckout(process.argv[2]);
const n = Number(process.argv[3] ?? 300);
const gapMs = Number(process.argv[4] ?? 5);
const base = process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'bench_pg_w5';
const pino = req('pino');
const pg = req('pg');
const counts = new Map();
if (process.env.PG_PROBE_COUNT) {
  const query = pg.Pool.prototype.query;
  pg.Pool.prototype.query = function (config, values, cb) {
    const name = typeof config === 'string' ? config.slice(0, 60) : (config.name ?? String(config.text).slice(0, 60));
    const t0 = performance.now();
    const r = query.call(this, config, values, cb);
    r?.then?.(
      () => {
        const c = counts.get(name) ?? { calls: 0, ms: 0 };
        c.calls += 1;
        c.ms += performance.now() - t0;
        counts.set(name, c);
      },
      () => undefined,
    );
    return r;
  };
}
// PG_PROBE_TIMELINE=1: the hops of each start, timed at the pg client (p50 in ms, on stderr): the creating statement's
// round trip, its NOTIFY's arrival after the statement was sent, the worker's claim sent after the NOTIFY, and the
// claim's round trip.
const hops = { createRoundTrip: [], notifyAfterCreateSent: [], claimSentAfterNotify: [], claimRoundTrip: [] };
if (process.env.PG_PROBE_TIMELINE) {
  let createSent;
  let notified;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, cb) {
    const name = config && typeof config === 'object' ? config.name : undefined;
    if (name !== 'tasker_create_task_at_once' && name !== 'tasker_claim') return query.call(this, config, values, cb);
    const t0 = performance.now();
    if (name === 'tasker_create_task_at_once') createSent = t0;
    else if (notified !== undefined) {
      hops.claimSentAfterNotify.push(t0 - notified);
      notified = undefined;
    }
    const lap = () =>
      (name === 'tasker_claim' ? hops.claimRoundTrip : hops.createRoundTrip).push(performance.now() - t0);
    // the pool passes a callback (as the third argument, or the second when there are no values)
    if (typeof cb === 'function') return query.call(this, config, values, (...args) => (lap(), cb(...args)));
    if (typeof values === 'function') return query.call(this, config, (...args) => (lap(), values(...args)));
    const r = query.call(this, config, values, cb);
    r?.then?.(lap, () => undefined);
    return r;
  };
  const emit = pg.Client.prototype.emit;
  pg.Client.prototype.emit = function (event, ...args) {
    if (event === 'notification' && createSent !== undefined) {
      notified = performance.now();
      hops.notifyAfterCreateSent.push(notified - createSent);
      createSent = undefined;
    }
    return emit.call(this, event, ...args);
  };
}
const admin = await freshSchema(pg, base, schema);
const flat = flatTemplate(lib);
const startedAt = new Map();
const db = `${base}?schema=${schema}`;
const logger = pino({ level: 'silent' });
const worker = await lib.Tasker.open({
  db,
  logger,
  templates: [flat],
  concurrency: 10,
  handlers: {
    'Bench::H': (task) => {
      startedAt.set(task.context.i, performance.now());
      return null;
    },
  },
});
const submitter = await lib.Tasker.open({ db, logger, templates: [flat], concurrency: 0 });
if (process.env.PG_PROBE_SQL) await admin.query(process.env.PG_PROBE_SQL.replaceAll('${schema}', schema));
counts.clear();
const pgCpu0 = postgresCpu();
const cpu0 = process.cpuUsage();
const submitMs = [];
const submittedAt = [];
for (let i = 0; i < n; i++) {
  const t0 = performance.now();
  await submitter.submit({ namespace: 'bench', name: 'flat', context: { i } });
  submitMs.push(performance.now() - t0);
  submittedAt.push(t0);
  await sleep(gapMs);
}
await sleep(500);
const pgCpuUs = (postgresCpu() - pgCpu0) * 1e6;
const cpu = process.cpuUsage(cpu0);
const startMs = submittedAt.flatMap((t0, i) => (startedAt.has(i) ? [startedAt.get(i) - t0] : []));
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.floor(p * (s.length - 1))].toFixed(2);
};
await submitter.close();
await worker.close();
await dropSchema(admin, schema);
console.log(
  JSON.stringify({
    root,
    tasks: n,
    started: startMs.length,
    submitP50: q(submitMs, 0.5),
    submitP99: q(submitMs, 0.99),
    startP50: q(startMs, 0.5),
    startP99: q(startMs, 0.99),
    // CPU per task over the submit loop (both engines in this process; every PostgreSQL process)
    nodeCpuUsPerTask: Math.round((cpu.user + cpu.system) / n),
    pgCpuUsPerTask: Math.round(pgCpuUs / n),
  }),
);
if (process.env.PG_PROBE_TIMELINE) {
  const p50 = (xs) => (xs.length ? +[...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(3) : null);
  console.error(JSON.stringify(Object.fromEntries(Object.entries(hops).map(([k, xs]) => [k, p50(xs)]))));
}
if (process.env.PG_PROBE_COUNT) {
  for (const [name, c] of [...counts].sort((a, b) => b[1].ms - a[1].ms))
    console.error(`${String(c.calls).padStart(6)} ${c.ms.toFixed(0).padStart(6)} ms  ${name}`);
}
