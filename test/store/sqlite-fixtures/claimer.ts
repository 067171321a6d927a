// A worker process for the multi-process SQLite test: claims and completes steps on a shared database file until
// every task is finished, printing each claimed step id (one JSON line per claim batch) on stdout.
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.js';

const [path, workerId] = process.argv.slice(2);
if (!path || !workerId) {
  console.error('usage: claimer.ts <db path> <worker id>');
  process.exit(2);
}
const store = await openSqliteStore(path);
for (;;) {
  const claimed = await store.claimSteps({ workerId, limit: 3, leaseMs: 60_000 });
  if (claimed.length === 0) {
    if ((await store.listUnfinishedTaskIds(1)).length === 0) break;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  process.stdout.write(`${JSON.stringify(claimed.map((c) => c.step_id))}\n`);
  const outcomes = claimed.map((c) => ({
    type: 'completed' as const,
    step_id: c.step_id,
    task_id: c.task.task_id,
    attempt: c.attempt,
    results: { by: workerId },
  }));
  const r = await store.completeSteps(outcomes, { workerId });
  if (r.stale.length > 0) {
    console.error(`stale completions: ${r.stale.join(',')}`);
    process.exit(1);
  }
}
await store.close();
