// What a new connection costs the first submit and the first completion on it, with and without the store's warm-up
// (warm-connections.ts). Each round opens a store with a pool of `poolSize` connections and a new engine
// (concurrency 0) on a schema already migrated, then times its first and second submit, then two claims and
// completions of one step each through the store; rounds alternate `warmConnections: 0` (cold) and the default (up
// to 3 connections warmed when the store opens: the hot path rehearsed in a transaction rolled back). The second
// submit and completion are the warm figures; the first submit includes the engine's own first call (template
// compile, JIT) as well as the connection's. `openMs` is the store's open, warm-up included.
//   npx tsx bench/micro/pg-cold-connection.ts [rounds=10] [poolSize=1]
//   (TASKER_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test; schema bench_pg_cold)
import pg from 'pg';
import { Tasker } from '../../src/engine/tasker.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { defineTask } from '../../src/definition/define-task.js';
import { median } from '../stats.js';

const rounds = Number(process.argv[2] ?? 10);
const poolSize = Number(process.argv[3] ?? 1);
const base = process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'bench_pg_cold';
const url = `${base}?schema=${schema}`;
const template = defineTask({
  name: 'flat',
  namespace_name: 'bench',
  version: '1.0.0',
  step_templates: [{ name: 'a', handler_class: 'Bench::H' }],
});
const request = { namespace: 'bench', name: 'flat', context: {} };
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
const first = await Tasker.open({ db: url, logger: silentLogger(), concurrency: 0, templates: [template] });
await first.submit(request);
type Figures = Record<'openMs' | 'firstMs' | 'secondMs' | 'firstCompleteMs' | 'secondCompleteMs', number[]>;
const none = (): Figures => ({ openMs: [], firstMs: [], secondMs: [], firstCompleteMs: [], secondCompleteMs: [] });
const figures: Record<'cold' | 'warmed', Figures> = { cold: none(), warmed: none() };
for (let i = 0; i < rounds; i++) {
  const kind = i % 2 ? 'warmed' : 'cold';
  const opened = performance.now();
  const store = await openPostgresStore(url, {
    poolSize,
    logger: silentLogger(),
    ...(kind === 'cold' ? { warmConnections: 0 } : {}),
  });
  figures[kind].openMs.push(performance.now() - opened);
  const engine = await Tasker.open({ db: store, logger: silentLogger(), concurrency: 0, templates: [template] });
  figures[kind].firstMs.push(await timed(() => engine.submit(request)));
  figures[kind].secondMs.push(await timed(() => engine.submit(request)));
  for (const key of ['firstCompleteMs', 'secondCompleteMs'] as const) {
    const [step] = await store.claimSteps({ workerId: 'bench', limit: 1, leaseMs: 60_000 });
    if (!step) throw new Error('no step to claim');
    const outcome = {
      type: 'completed' as const,
      step_id: step.step_id,
      task_id: step.task.task_id,
      attempt: step.attempt,
    };
    figures[kind][key].push(
      await timed(() => store.completeSteps([{ ...outcome, results: {} }], { workerId: 'bench' })),
    );
  }
  await engine.close();
  await store.close();
}
await first.close();
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.end();
const ms = (xs: number[]) => +median(xs).toFixed(2);
console.log(
  JSON.stringify(
    Object.fromEntries(
      Object.entries(figures).map(([k, f]) => [
        k,
        {
          openMs: ms(f.openMs),
          firstSubmitMs: ms(f.firstMs),
          secondSubmitMs: ms(f.secondMs),
          firstCompleteMs: ms(f.firstCompleteMs),
          secondCompleteMs: ms(f.secondCompleteMs),
        },
      ]),
    ),
  ),
);
