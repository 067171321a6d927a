// Where a W2 run's time goes on the embedded store: 1,000 diamonds A→(B,C,D)→E run in one process while every
// prepared statement of the SQLite store is timed (run/all/get wrapped), then the total per statement kind is printed
// for the median run of 5, beside the run's wall time. The "What limits the figures" breakdown in docs/benchmarks.md
// comes from it:  npx tsx bench/micro/sqlite-w2-statements.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tasker, defineTask } from '../../src/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const H = 'Bench::H';
const diamond = defineTask({
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

type Timed = Record<string, number>;
type Stmt = Record<'run' | 'all' | 'get', (...a: unknown[]) => unknown>;

/** Wrap every statement (and every claim variant prepared later) so its calls add to `into[name]`. */
function timeStatements(st: Record<string, unknown>, into: Timed): void {
  const wrap = (name: string, stmt: Stmt): void => {
    for (const m of ['run', 'all', 'get'] as const) {
      const original = stmt[m].bind(stmt);
      stmt[m] = (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return original(...args);
        } finally {
          into[name] = (into[name] ?? 0) + performance.now() - t0;
        }
      };
    }
  };
  for (const [name, value] of Object.entries(st)) {
    if (value && typeof value === 'object' && 'run' in value) wrap(name, value as Stmt);
  }
  const claimLimited = st.claimLimited as (l: number, n: boolean, t: boolean) => Stmt;
  const seen = new WeakSet<object>();
  st.claimLimited = (l: number, n: boolean, t: boolean) => {
    const stmt = claimLimited(l, n, t);
    if (!seen.has(stmt)) {
      seen.add(stmt);
      wrap('claim', stmt);
    }
    return stmt;
  };
}

const runs: Array<{ wall: number; timed: Timed }> = [];
for (let round = 0; round < 5; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-micro-w2-'));
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const tasker = await Tasker.open({
    db: `sqlite:${join(dir, 'bench.db')}`,
    logger: silentLogger(),
    templates: [diamond],
    concurrency: 1000,
    handlers: { [H]: () => (++done === 5000 ? (finish(), null) : null) },
  });
  const timed: Timed = {};
  timeStatements((tasker.store as unknown as { st: Record<string, unknown> }).st, timed);
  const requests = Array.from({ length: 1000 }, (_, i) => ({ namespace: 'bench', name: 'diamond', context: { t: i } }));
  const t0 = performance.now();
  await tasker.submitMany(requests.slice(0, 500));
  await tasker.submitMany(requests.slice(500));
  await finished;
  runs.push({ wall: performance.now() - t0, timed });
  await tasker.close();
  rmSync(dir, { recursive: true, force: true });
}
runs.sort((a, b) => a.wall - b.wall);
const median = runs[Math.floor(runs.length / 2)]!;
const total = Object.values(median.timed).reduce((a, b) => a + b, 0);
console.log(`W2 median wall ${median.wall.toFixed(0)} ms; statements ${total.toFixed(0)} ms in all:`);
for (const [name, ms] of Object.entries(median.timed).sort((a, b) => b[1] - a[1])) {
  if (ms >= 0.5) console.log(`  ${name.padEnd(24)} ${ms.toFixed(1)} ms`);
}
