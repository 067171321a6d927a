// PostgreSQL under concurrency from separate pools (as separate worker processes would be): SKIP LOCKED claims
// never share a step, finalisation is reported once when last steps finish on different workers, one task per
// idempotency key, and completing a batch costs the same number of statements whatever its size.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { ClaimedStep, FinalizedTask } from '../../src/core/store-contract.js';
import { diamond, newTask, ok, step } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const LEASE = 60_000;
const WORKERS = 4;

let schema: string;
let stores: PostgresStore[];

beforeEach(async () => {
  schema = `conc_${Math.random().toString(36).slice(2, 10)}`;
  // One pool per "process"; each opens (and migrates) the same fresh schema.
  stores = await Promise.all(Array.from({ length: WORKERS }, () => openPostgresStore(PG_URL, { schema, poolSize: 3 })));
});

afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await client.end();
});

describe('PostgreSQL store under concurrency', () => {
  it('parallel claimers on separate pools never get the same step, and together finish every task', async () => {
    const taskIds: number[] = [];
    for (let i = 0; i < 60; i++) taskIds.push((await stores[i % WORKERS]!.createTask(newTask(diamond()))).task_id);
    const seen = new Map<number, string>();
    const duplicates: number[] = [];
    const finalized: FinalizedTask[] = [];
    const worker = async (store: PostgresStore, workerId: string) => {
      let idle = 0;
      while (idle < 5) {
        const claimed = await store.claimSteps({ workerId, limit: 3, leaseMs: LEASE });
        if (claimed.length === 0) {
          idle += 1;
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        idle = 0;
        for (const c of claimed) {
          if (seen.has(c.step_id)) duplicates.push(c.step_id);
          seen.set(c.step_id, workerId);
        }
        const result = await store.completeSteps(
          claimed.map((c) => ok(c)),
          { workerId },
        );
        expect(result.stale).toEqual([]);
        finalized.push(...result.finalized);
      }
    };
    await Promise.all(stores.map((s, i) => worker(s, `w${i}`)));
    expect(duplicates).toEqual([]);
    expect(seen.size).toBe(60 * 4);
    expect(new Set(seen.values()).size).toBeGreaterThan(1);
    expect(finalized.map((f) => f.task_id).sort((a, b) => a - b)).toEqual(taskIds);
    expect((await stores[0]!.stats()).tasks_by_state).toEqual({ completed: 60 });
  });

  it('reports a task finalised exactly once when its last steps finish on different workers at the same moment', async () => {
    const taskIds: number[] = [];
    for (let i = 0; i < 30; i++) {
      taskIds.push(
        (await stores[0]!.createTask(newTask(Array.from({ length: WORKERS }, (_, k) => step(`s${k}`))))).task_id,
      );
    }
    // Every worker holds one step of every task, then all complete at once.
    const held: ClaimedStep[][] = stores.map(() => []);
    for (const taskId of taskIds) {
      for (let k = 0; k < WORKERS; k++) {
        const [c] = await stores[k]!.claimSteps({ workerId: `w${k}`, limit: 1, leaseMs: LEASE });
        expect(c!.task.task_id).toBe(taskId);
        held[k]!.push(c!);
      }
    }
    const results = await Promise.all(
      stores.map((s, k) =>
        s.completeSteps(
          held[k]!.map((c) => ok(c)),
          { workerId: `w${k}` },
        ),
      ),
    );
    const finalized = results.flatMap((r) => r.finalized.map((f) => f.task_id));
    expect(finalized.sort((a, b) => a - b)).toEqual(taskIds);
    for (const taskId of taskIds) {
      const history = await stores[0]!.getHistory(taskId);
      expect(history.filter((h) => h.step_id === null && h.to_state === 'completed')).toHaveLength(1);
    }
  });

  it('reports task_started once per task when workers start tasks with several roots at the same moment', async () => {
    const taskIds: number[] = [];
    for (let i = 0; i < 40; i++) {
      taskIds.push(
        (await stores[0]!.createTask(newTask(Array.from({ length: WORKERS }, (_, k) => step(`root${k}`))))).task_id,
      );
    }
    const claims = await Promise.all(
      stores.map(async (s, k) => {
        const mine: ClaimedStep[] = [];
        for (
          let got = await s.claimSteps({ workerId: `w${k}`, limit: 8, leaseMs: LEASE });
          got.length > 0;
          got = await s.claimSteps({ workerId: `w${k}`, limit: 8, leaseMs: LEASE })
        ) {
          mine.push(...got);
        }
        return mine;
      }),
    );
    const all = claims.flat();
    expect(all).toHaveLength(40 * WORKERS);
    const starts = all.filter((c) => c.task_started).map((c) => c.task.task_id);
    expect(starts.sort((a, b) => a - b)).toEqual(taskIds);
  });

  it('creates one task from 20 concurrent creates with the same idempotency key across pools', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % WORKERS]!.createTask(newTask(diamond(), { idempotency_key: 'same-key' })),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.task_id)).size).toBe(1);
    expect((await stores[0]!.stats()).tasks_by_state).toEqual({ running: 1 });
    expect(await stores[1]!.findTaskByIdempotencyKey('same-key')).toBe(results[0]!.task_id);
  });

  it('completes a batch of 1 and a batch of 200 steps with the same number of statements', async () => {
    const store = stores[0]!;
    let statements = 0;
    store.pool.on('acquire', (client: pg.PoolClient & { counted?: boolean }) => {
      if (client.counted) return;
      client.counted = true;
      const original = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        statements += 1;
        return original(...args);
      };
    });
    const costOf = async (width: number): Promise<number> => {
      await store.createTask(
        newTask([
          ...Array.from({ length: width }, (_, i) => step(`p${i}`)),
          step(
            'join',
            Array.from({ length: width }, (_, i) => `p${i}`),
          ),
        ]),
      );
      const claimed = await store.claimSteps({ workerId: 'w', limit: width, leaseMs: LEASE });
      expect(claimed).toHaveLength(width);
      statements = 0;
      const result = await store.completeSteps(
        claimed.map((c) => ok(c)),
        { workerId: 'w', claim: { limit: 1, leaseMs: LEASE } },
      );
      expect(result.applied).toHaveLength(width);
      const cost = statements;
      expect(result.claimed.map((c) => c.name)).toEqual(['join']);
      await store.completeSteps(
        result.claimed.map((c) => ok(c)),
        { workerId: 'w' },
      );
      return cost;
    };
    const one = await costOf(1);
    const many = await costOf(200);
    expect(many).toBe(one);
    // BEGIN, lock tasks, apply, release children, counters + finalise, claim, notify, COMMIT
    expect(one).toBeLessThanOrEqual(8);
  });
});
