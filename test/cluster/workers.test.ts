// Many worker processes on the real PostgreSQL: shared work with every step run exactly once, exactly one
// task-end event per task under concurrent finalisation, a worker SIGKILLed mid-run, and graceful SIGTERM.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { postgresDb, type TestDb } from '../support/stores.js';
import { ClusterFixture } from './cluster-fixture.js';

async function submitter(db: TestDb, fixture: ClusterFixture): Promise<Tasker> {
  return Tasker.open({
    db: db.url,
    logger: silentLogger(),
    templates: [fixture.templates],
    concurrency: 0,
    start: false,
  });
}

async function waitAll(tasker: Tasker, ids: number[]): Promise<string[]> {
  const states: string[] = [];
  for (const id of ids) states.push((await tasker.waitForTask(id, { timeoutMs: 90_000, pollMs: 200 })).current_state);
  return states;
}

/** Polls `probe` until it holds; fails after a generous cap (never a timing assertion). */
async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('worker processes on PostgreSQL', () => {
  let db: TestDb;
  let fixture: ClusterFixture;
  let tasker: Tasker | undefined;
  beforeEach(() => {
    db = postgresDb();
    fixture = new ClusterFixture();
  });
  afterEach(async () => {
    await tasker?.close();
    tasker = undefined;
    await fixture.cleanup();
    await db.cleanup();
  });

  it('3 workers share 300 diamonds: every step runs exactly once, every task completes, one end event per task', async () => {
    tasker = await submitter(db, fixture);
    // create the schema before the workers start, so they do not all race to migrate an empty database
    const workers = [fixture.startWorker(db.url), fixture.startWorker(db.url), fixture.startWorker(db.url)];
    await Promise.all(workers.map((w) => fixture.ready(w)));
    const ids: number[] = [];
    for (let i = 0; i < 300; i++)
      ids.push((await tasker.submit({ namespace: 'cluster', name: 'diamond', context: { i } })).task_id);
    for (let i = 0; i < 30; i++)
      ids.push((await tasker.submit({ namespace: 'cluster', name: 'fanout', context: { i } })).task_id);
    const states = await waitAll(tasker, ids);
    expect(states.every((s) => s === 'completed')).toBe(true);

    const starts = fixture.lines().filter((l) => l.kind === 'start');
    expect(starts).toHaveLength(300 * 5 + 30 * 13);
    const keys = new Set(starts.map((l) => `${l.task_id}:${l.step}`));
    expect(keys.size).toBe(starts.length); // no step ran twice
    expect(new Set(starts.map((l) => l.pid)).size).toBe(3); // all three workers took part

    const codes = await fixture.stopAll();
    expect(codes).toEqual([0, 0, 0]);
    const ends = fixture.events().filter((e) => e.event === 'task.completed');
    expect(ends).toHaveLength(ids.length);
    expect(new Set(ends.map((e) => e.task_id)).size).toBe(ids.length); // exactly one per task, across processes
    expect(fixture.events().filter((e) => e.event === 'task.started')).toHaveLength(ids.length);
  });

  it('a SIGKILLed worker loses its in-flight steps to the other after the lease; nothing completed runs twice', async () => {
    tasker = await submitter(db, fixture);
    const victim = fixture.startWorker(db.url, { leaseMs: 1500, stepMs: 200, concurrency: 10 });
    const survivor = fixture.startWorker(db.url, { leaseMs: 1500, stepMs: 200, concurrency: 10 });
    await Promise.all([fixture.ready(victim), fixture.ready(survivor)]);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await tasker.submit({ namespace: 'cluster', name: 'diamond', context: { i } })).task_id);
    for (let i = 0; i < 400; i++) {
      if (fixture.lines().some((l) => l.pid === victim.pid && l.kind === 'end')) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    victim.kill('SIGKILL');
    const states = await waitAll(tasker, ids);
    expect(states.every((s) => s === 'completed')).toBe(true);

    const lines = fixture.lines();
    const starts = lines.filter((l) => l.kind === 'start');
    const endedBy = new Set(lines.filter((l) => l.kind === 'end').map((l) => `${l.task_id}:${l.step}:${l.attempt}`));
    const interrupted = starts.filter(
      (l) => l.pid === victim.pid && !endedBy.has(`${l.task_id}:${l.step}:${l.attempt}`),
    );
    expect(interrupted.length).toBeGreaterThan(0); // the kill hit steps in flight
    for (const l of interrupted) {
      const rerun = starts.filter((s) => s.task_id === l.task_id && s.step === l.step && s.pid === survivor.pid);
      expect(rerun.length).toBe(1); // ran again, on the survivor, once
      expect(rerun[0]!.attempt).toBe(l.attempt + 1); // the lost attempt was counted
    }
    // Every claim is in the history with the claiming worker (its id holds its pid). Each claim by the survivor
    // was observed running, each observed run belongs to a claim, and nothing ran after the committed completion.
    // (A claim by the victim may have committed just before the kill, before its handler started.)
    for (const id of ids) {
      const task = (await tasker.getTask(id))!;
      const history = await tasker.store.getHistory(id);
      for (const s of task.workflow_steps) {
        const claims = history.filter((h) => h.step_id === s.workflow_step_id && h.to_state === 'running');
        expect(claims).toHaveLength(s.attempts);
        const ran = starts.filter((l) => l.task_id === id && l.step === s.name);
        for (const claim of claims) {
          const pid = Number(String(claim.actor).split(':')[1]);
          const seen = ran.some((l) => l.attempt === claim.attempt && l.pid === pid);
          if (pid === survivor.pid) expect(seen).toBe(true);
        }
        for (const l of ran)
          expect(claims.some((c) => c.attempt === l.attempt && Number(String(c.actor).split(':')[1]) === l.pid)).toBe(
            true,
          );
        expect(ran.every((l) => l.attempt <= s.attempts)).toBe(true);
      }
    }
    const multi = starts.filter((l) => l.attempt > 1);
    expect(multi.every((l) => l.pid === survivor.pid)).toBe(true);
  });

  it('SIGTERM drains a busy worker: in-flight steps finish, nothing more is claimed, it exits 0', async () => {
    tasker = await submitter(db, fixture);
    const gate = join(fixture.dir, 'gate');
    // 4 slots, 3 ready roots: every claim is held at the gate, one slot stays free.
    const worker = fixture.startWorker(db.url, { concurrency: 4, gate, drainTimeoutMs: 60_000 });
    await fixture.ready(worker);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await tasker.submit({ namespace: 'cluster', name: 'diamond', context: { i } })).task_id);
    await until(() => fixture.lines().filter((l) => l.kind === 'start').length === 3, 'the three roots to start');
    const keys = (kind: 'start' | 'end') =>
      fixture
        .lines()
        .filter((l) => l.kind === kind)
        .map((l) => `${l.task_id}:${l.step}`)
        .sort();
    const inFlight = keys('start');
    expect(inFlight).toEqual(ids.map((id) => `${id}:a`).sort());

    const exit = new Promise<number | null>((resolve) => worker.once('close', (code) => resolve(code)));
    worker.kill('SIGTERM');
    await until(() => worker.output().includes('SIGTERM received, draining'), 'the worker to start draining');
    // Work that arrives while it drains, then the gate opens: the roots finish and make b, c and d ready.
    const late: number[] = [];
    for (let i = 0; i < 3; i++)
      late.push((await tasker.submit({ namespace: 'cluster', name: 'diamond', context: { late: i } })).task_id);
    writeFileSync(gate, '');
    expect(await exit).toBe(0);

    expect(keys('start')).toEqual(inFlight); // nothing started after SIGTERM
    expect(keys('end')).toEqual(inFlight); // and nothing in flight was abandoned
    // The store agrees: the only claims ever made were the three in-flight roots, all completed.
    for (const id of [...ids, ...late]) {
      const claims = (await tasker.getHistory(id)).filter((h) => h.to_state === 'running' && h.step_id !== null);
      expect(claims.map((h) => h.step_name)).toEqual(ids.includes(id) ? ['a'] : []);
      const states = Object.fromEntries(
        (await tasker.getTask(id))!.workflow_steps.map((s) => [s.name, s.current_state]),
      );
      expect(states).toEqual({
        a: ids.includes(id) ? 'completed' : 'pending',
        b: 'pending',
        c: 'pending',
        d: 'pending',
        e: 'pending',
      });
    }
    expect((await tasker.storeStats()).ready_depth).toBe(3 * 3 + 3); // b, c, d of each drained task, a of each late one
    // Work left behind is still there for the next worker.
    const next = fixture.startWorker(db.url, { concurrency: 20 });
    await fixture.ready(next);
    expect((await waitAll(tasker, [...ids, ...late])).every((s) => s === 'completed')).toBe(true);
  });

  it('20 concurrent submits with one idempotency_key from separate engines create exactly one task', async () => {
    tasker = await submitter(db, fixture);
    const engines = await Promise.all(Array.from({ length: 4 }, () => submitter(db, fixture)));
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          engines[i % 4]!.submit({
            namespace: 'cluster',
            name: 'diamond',
            context: {},
            idempotency_key: 'checkout-42',
          }),
        ),
      );
      expect(new Set(results.map((r) => r.task_id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const page = await tasker.listTasks({ limit: 100 });
      expect(page.tasks.filter((t) => t.idempotency_key === 'checkout-42')).toHaveLength(1);
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
  });
});
