// The store's side of W8 (map fan-out over 10,000 items), on both stores, without the engine: the one transaction
// that expands a held step into its instances, claiming and completing them all (batches of 500, each completion
// batch claiming the next as the engine does), the gather's read of every instance's results (`mapState`), and a
// rerun that drops the instances again. Median of `rounds` rounds, each on a fresh task.
//   npx tsx bench/micro/map-store.ts [items=10000] [rounds=5] [postgres-url]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { ClaimedStep, NewStep, Store } from '../../src/core/store-contract.js';

const items = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 5);
const pgUrl = process.argv[4] ?? process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const W = 'bench-worker';
const LEASE = 60_000;

const step = (name: string, depends_on: string[] = []): NewStep => ({
  name,
  handler_class: `Bench::${name}`,
  depends_on,
  retry_limit: 3,
  retryable: true,
  timeout_ms: null,
  skippable: false,
  initial_state: 'pending',
});

const ok = (c: ClaimedStep, results: unknown) => ({
  type: 'completed' as const,
  step_id: c.step_id,
  task_id: c.task.task_id,
  attempt: c.attempt,
  results,
});

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

async function round(store: Store, n: number): Promise<Record<string, number>> {
  const { task_id } = await store.createTask({
    namespace: 'bench',
    name: 'map',
    version: '1.0.0',
    context: {},
    initiator: null,
    source_system: null,
    reason: null,
    tags: [],
    idempotency_key: null,
    correlation_id: `map-${n}`,
    steps: [step('load'), step('each', ['load']), step('after', ['each'])],
  });
  const claim = (limit: number) => store.claimSteps({ workerId: W, limit, leaseMs: LEASE });
  const [load] = await claim(1);
  await store.completeSteps([ok(load!, { n: items })], { workerId: W });
  const [each] = await claim(1);
  const [expandMs] = await timed(() =>
    store.completeSteps(
      [{ type: 'expand', step_id: each!.step_id, task_id, attempt: each!.attempt, count: items, max_parallel: null }],
      { workerId: W },
    ),
  );
  // Until the last completion hands back the mapped step itself (its gather claim).
  let gather: ClaimedStep | undefined;
  const [runMs] = await timed(async () => {
    let batch = await claim(500);
    while (!gather && batch.length) {
      const res = await store.completeSteps(
        batch.map((c) => ok(c, { i: c.name })),
        { workerId: W, claim: { limit: 500, leaseMs: LEASE } },
      );
      gather = res.claimed.find((c) => c.name === 'each');
      batch = res.claimed.length ? res.claimed : gather ? [] : await claim(500);
    }
  });
  gather ??= (await claim(1))[0];
  const [gatherMs, state] = await timed(() => store.dynamic.mapState(each!.step_id));
  if (state.results.length !== items || state.open !== 0) throw new Error('the map did not finish');
  await store.completeSteps([ok(gather!, state.results)], { workerId: W });
  const [after] = await claim(1);
  await store.completeSteps([ok(after!, null)], { workerId: W });
  const [rerunMs] = await timed(() => store.rerunFrom(task_id, each!.step_id, { reason: 'bench', actor: 'bench' }));
  return { expandMs, runMs, gatherMs, rerunMs };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(label: string, url: string, cleanup: () => Promise<void>): Promise<void> {
  const store = await openStore(url, { migrate: true });
  try {
    const all: Array<Record<string, number>> = [];
    for (let i = 0; i < rounds; i++) all.push(await round(store, i));
    const m = (k: string) => median(all.map((r) => r[k]!)).toFixed(1);
    console.log(
      `${label}: expand ${items} instances ${m('expandMs')} ms; claim+complete them ${m('runMs')} ms; ` +
        `gather read ${m('gatherMs')} ms; rerun dropping them ${m('rerunMs')} ms (median of ${rounds})`,
    );
  } finally {
    await store.close();
    await cleanup();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tasker-map-'));
await measure('sqlite', `sqlite:${join(dir, 'map.db')}`, async () => rmSync(dir, { recursive: true, force: true }));
const schema = `map_${randomBytes(4).toString('hex')}`;
await measure('postgres', `${pgUrl}?schema=${schema}`, async () => {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});
