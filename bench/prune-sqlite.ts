// Pruning on the embedded store at scale: a temporary SQLite file with N finished two-step tasks (created evenly over
// 120 days, 7% failed; steps, edges and six history rows each, written by recursive-CTE INSERTs into the real schema),
// then the dry run, single batches of 500, a probe that finds nothing, a run of 200 batches — and, for comparison,
// the deletes of 50 tasks with foreign key enforcement left on, which is why a prune batch turns it off (deleting a
// step then scans `transitions` and `step_edges` for rows pointing at it).
//
//   npx tsx bench/prune-sqlite.ts [--tasks 300000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/store/sqlite/open-sqlite-store.js';
import * as sql from '../src/store/sqlite/sql/prune.js';

const DAY = 86_400_000;
const { values: args } = parseArgs({ options: { tasks: { type: 'string', default: '300000' } } });
const N = Number(args.tasks);
if (!Number.isSafeInteger(N) || N < 10_000) throw new Error(`--tasks must be >= 10000, got ${args.tasks}`);

const dir = mkdtempSync(join(tmpdir(), 'tasker-prune-sqlite-'));
const store = await openSqliteStore(join(dir, 'tasker.db'));
const db = store.db;
const start = Date.now() - 120 * DAY;
const step = Math.floor((120 * DAY) / N);

async function time(what: string, fn: () => unknown): Promise<void> {
  const t = performance.now();
  const r = (await fn()) as { tasks?: number } | undefined;
  const tasks = r && typeof r === 'object' && 'tasks' in r ? `, ${r.tasks} tasks` : '';
  console.log(`${what}: ${(performance.now() - t).toFixed(1)} ms${tasks}`);
}

try {
  let t = Date.now();
  const series = 'WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < @n)';
  db.transaction(() => {
    db.prepare(
      `${series} INSERT INTO tasks (task_id, namespace, name, version, state, context, tags, correlation_id,
                                    created_at, started_at, completed_at, step_count, open_steps, satisfied_steps)
       SELECT i, 'ns', 'bench', '1.0.0', CASE WHEN i % 100 < 7 THEN 'failed' ELSE 'completed' END, '{}', '[]',
              'corr-' || i, @start + i * @step, @start + i * @step, @start + i * @step + 1000, 2, 0, 2 FROM g`,
    ).run({ n: N, start, step });
    db.prepare(
      `${series} INSERT INTO steps (step_id, task_id, name, handler_class, state, unmet, retry_limit, retryable, skippable)
       SELECT 2 * i - 1 + k, i, CASE k WHEN 0 THEN 'a' ELSE 'b' END, 'Bench::Handler', 'completed', 0, 3, 1, 0
         FROM g, (SELECT 0 AS k UNION ALL SELECT 1)`,
    ).run({ n: N });
    db.prepare(`${series} INSERT INTO step_edges SELECT 2 * i - 1, 2 * i FROM g`).run({ n: N });
    for (const [from, to] of [
      ['pending', 'running'],
      ['running', 'completed'],
    ])
      db.prepare(
        `INSERT INTO transitions (task_id, step_id, from_state, to_state, at) SELECT task_id, step_id, ?, ?, 0 FROM steps`,
      ).run(from, to);
    db.prepare(
      `INSERT INTO transitions (task_id, from_state, to_state, at) SELECT task_id, 'pending', 'running', created_at FROM tasks`,
    ).run();
    db.prepare(
      `INSERT INTO transitions (task_id, from_state, to_state, at) SELECT task_id, 'running', state, completed_at FROM tasks`,
    ).run();
  })();
  db.exec('ANALYZE');
  console.log(`filled ${N} tasks in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const cutoffs = { completed: { older_than_ms: 90 * DAY } };
  await time('dry run, completed > 90 days', () => store.pruneTasks({ cutoffs, batch_size: 500, dry_run: true }));
  for (let i = 1; i <= 5; i += 1)
    await time(`batch ${i} of 500`, () => store.pruneTasks({ cutoffs, batch_size: 500, max_batches: 1 }));
  await time('a probe that finds nothing (cancelled)', () =>
    store.pruneTasks({ cutoffs: { cancelled: { older_than_ms: 0 } }, batch_size: 500 }),
  );
  t = Date.now();
  const run = await store.pruneTasks({ cutoffs, batch_size: 500, max_batches: 200 });
  const secs = (Date.now() - t) / 1000;
  console.log(
    `${run.batches} batches of 500: ${run.tasks} tasks in ${secs.toFixed(1)} s, ${Math.round(run.tasks / secs)}/s`,
  );
  const ids = JSON.stringify(
    (
      db
        .prepare(sql.pruneCandidates)
        .all({ state: 'failed', cutoff: Date.now() - 90 * DAY, after: 0, limit: 50 }) as Array<{
        task_id: number;
      }>
    ).map((r) => r.task_id),
  );
  await time('the deletes of 50 tasks with foreign keys on (rolled back)', () => {
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const q of [sql.pruneEdges, sql.pruneTransitions, sql.pruneAnnotations, sql.pruneSteps, sql.pruneTaskRows])
        db.prepare(q).run({ ids });
    } finally {
      db.exec('ROLLBACK');
    }
  });
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
