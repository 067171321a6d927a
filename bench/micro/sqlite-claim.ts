// Micro-benchmark of the SQLite claim query alone (no transaction, no update): 2,000 ready one-step tasks, the
// SELECT run 5,000 times per round, best of 9 rounds, for limit 1 and 10, without a filter and with the template
// filter the engine uses (the per-connection temp.tasker_can_run table, statements.ts). The figures in
// docs/benchmarks.md ("claim filter") come from it:  npx tsx bench/micro/sqlite-claim.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { createOneStepTasks } from './one-step-task.js';

const dir = mkdtempSync(join(tmpdir(), 'tasker-micro-claim-'));
const store = await openSqliteStore(join(dir, 'bench.db'));
await createOneStepTasks(store, 2000, 'w', 's0');
// The claim statements are internal (Statements.claimLimited); the temp rows are what syncCanRun writes.
const st = (
  store as unknown as { st: { claimLimited(l: number, n: boolean, t: boolean): { all(...p: unknown[]): unknown[] } } }
).st;
store.db.prepare('INSERT INTO temp.tasker_can_run VALUES (?, ?, ?, ?)').run('w1', 'bench', 'w', '1.0.0');
for (const limit of [1, 10]) {
  const cases: Array<[string, () => unknown]> = [
    ['no filter', () => st.claimLimited(limit, false, false).all(Date.now())],
    ['templates', () => st.claimLimited(limit, false, true).all(Date.now(), 'w1')],
  ];
  for (const [label, run] of cases) {
    let best = Infinity;
    for (let round = 0; round < 9; round++) {
      const n = 5000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) run();
      best = Math.min(best, ((performance.now() - t0) / n) * 1000);
    }
    console.log(`limit ${limit} ${label}: ${best.toFixed(2)} µs per claim query`);
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });
