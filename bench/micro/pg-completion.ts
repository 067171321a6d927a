// Micro-benchmark of one chained step on PostgreSQL at the store boundary: a 100-step chain completed step by step
// through the completion function (complete + claim the next in one call), ms per call, as min and median of 20
// chains. `v1` calls complete_steps_v1 (migration 2, what workers of the previous release send), `v2` the current
// complete_steps_v2 (migration 3); they alternate so a drift of the machine hits both. Needs the local PostgreSQL:
//   npx tsx bench/micro/pg-completion.ts [postgres://root@127.0.0.1:5432/test]
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';

const url = process.argv[2] ?? 'postgres://root@127.0.0.1:5432/test';
const schema = `micro_completion_${process.pid}`;
const store = await openPostgresStore(url, { schema });
const client = new pg.Client({ connectionString: url });
await client.connect();
const N = 100;
const steps = Array.from({ length: N }, (_, i) => ({
  name: `s${i}`,
  handler_class: 'H',
  depends_on: i ? [`s${i - 1}`] : [],
  retry_limit: 3,
  retryable: true,
  timeout_ms: null,
  skippable: false,
  initial_state: 'pending' as const,
}));

interface Claimed {
  step_id: number;
  attempt: number;
}

async function chain(fn: 'v1' | 'v2'): Promise<number> {
  const task = { namespace: 'bench', name: 'w', version: '1.0.0', context: {}, initiator: null, source_system: null };
  const created = await store.createTask({
    ...task,
    reason: null,
    tags: [],
    idempotency_key: null,
    correlation_id: 'c',
    steps,
  });
  let [c] = (await store.claimSteps({ workerId: 'w', limit: 10, leaseMs: 60_000 })) as Claimed[];
  const params = fn === 'v1' ? 17 : 18;
  const text = `SELECT "${schema}".complete_steps_${fn}(${Array.from({ length: params }, (_, i) => `$${i + 1}`).join(', ')}) AS r`;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const values: unknown[] = [
      [c!.step_id],
      [created.task_id],
      [c!.attempt],
      ['completed'],
      ['null'],
      [null],
      [null],
      [0],
    ];
    values.push('w', [], [], [], [], [], 10, 60_000, null);
    if (fn === 'v2') values.push(['bench/w@1.0.0']);
    const res = await client.query({ name: `micro_${fn}`, text, values });
    c = (res.rows[0].r as { claimed: Claimed[] }).claimed[0];
  }
  return (performance.now() - t0) / N;
}

const results: Record<'v1' | 'v2', number[]> = { v1: [], v2: [] };
try {
  for (let k = 0; k < 20; k++)
    for (const fn of k % 2 ? (['v1', 'v2'] as const) : (['v2', 'v1'] as const)) results[fn].push(await chain(fn));
  for (const fn of ['v1', 'v2'] as const) {
    const s = results[fn].sort((a, b) => a - b);
    console.log(
      `${fn}: ${s[0]!.toFixed(3)} ms min, ${s[Math.floor(s.length / 2)]!.toFixed(3)} ms median per chained step`,
    );
  }
} finally {
  await client.query(`DROP SCHEMA "${schema}" CASCADE`);
  await client.end();
  await store.close();
}
