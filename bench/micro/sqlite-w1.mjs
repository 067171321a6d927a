// W1 on the embedded store in one process: N one-step tasks on a fresh SQLite file, submitted with submitMany in
// chunks of 500 while one engine (concurrency C) runs them, against a BUILT checkout (its dist/), as plain
// JavaScript, so two builds can be alternated in one session. Prints JSON: submit and wall time (first submit → last
// step), tasks/s, and this process's CPU time per task (less sensitive to a busy machine than wall time).
//   node bench/micro/sqlite-w1.mjs /path/to/checkout [concurrency=500] [tasks=10000]
//   SQLITE_W1_SQL='DROP INDEX tasks_state_idx' node bench/micro/sqlite-w1.mjs …   (try a schema change: run on the
//   file after the migrations, through a second connection, before the first submit)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { flatTemplate, loadCheckout } from './checkout.mjs';

const { root, lib, require: req } = await loadCheckout(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 500);
const n = Number(process.argv[4] ?? 10000);
const pino = req('pino');
const flat = flatTemplate(lib);
const dir = mkdtempSync(join(tmpdir(), 'tasker-w1-'));
let done = 0;
let allDone;
const finished = new Promise((r) => (allDone = r));
const tasker = await lib.Tasker.open({
  db: `sqlite:${join(dir, 'w1.sqlite')}`,
  logger: pino({ level: 'silent' }),
  templates: [flat],
  concurrency,
  handlers: {
    'Bench::H': () => {
      if (++done === n) allDone();
      return null;
    },
  },
});
// SQLITE_W1_SQL: statements run on the file after the migrations, to try a schema change before writing it.
if (process.env.SQLITE_W1_SQL) {
  const db = new (req('better-sqlite3'))(join(dir, 'w1.sqlite'));
  db.exec(process.env.SQLITE_W1_SQL);
  db.close();
}
const requests = Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: 'flat', context: { t: i } }));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i += 500) await tasker.submitMany(requests.slice(i, i + 500));
const t1 = performance.now();
await finished;
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
await tasker.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    root,
    concurrency,
    tasks: n,
    submitMs: Math.round(t1 - t0),
    wallMs: Math.round(t2 - t0),
    tasksPerS: Math.round(n / ((t2 - t0) / 1000)),
    cpuUsPerTask: Math.round((cpu.user + cpu.system) / n),
  }),
);
