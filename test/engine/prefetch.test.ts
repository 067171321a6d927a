// The `prefetch` option: a worker claims up to `prefetch` steps beyond its free slots and holds them in a local
// queue, leased, starting them as slots free up. Handlers never run more than `concurrency` at once, every step runs
// once, and stopping hands queued steps back (their attempt not counted) for another worker to run at once.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { openTestEngine } from '../support/engine.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { waitFor } from '../store/conformance/fixtures.js';

const one = defineTask({
  name: 'one',
  namespace_name: 'prefetch',
  version: '1.0.0',
  module_namespace: 'Prefetch',
  step_templates: [{ name: 'work' }],
});

/** Handlers that wait at a gate, counting how many run at once. */
class Gate {
  running = 0;
  maxRunning = 0;
  runs = new Map<number, number>();
  private open = false;
  private waiters: Array<() => void> = [];

  readonly handler = async (task: { task_id: number }) => {
    this.runs.set(task.task_id, (this.runs.get(task.task_id) ?? 0) + 1);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    if (!this.open) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.running -= 1;
    return { ok: true };
  };

  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

async function runningSteps(tasker: Tasker, ids: readonly number[]): Promise<number> {
  let n = 0;
  for (const id of ids) {
    const task = await tasker.getTask(id);
    n += task!.workflow_steps.filter((s) => s.current_state === 'running').length;
  }
  return n;
}

describe.each(STORE_KINDS)('prefetch on $kind', ({ make }) => {
  let db: TestDb | undefined;
  const engines: Tasker[] = [];

  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await db?.cleanup();
    db = undefined;
  });

  it('claims ahead of free slots but runs at most `concurrency` handlers, each step once', async () => {
    db = make();
    const gate = new Gate();
    const tasker = await openTestEngine(db, {
      templates: [one],
      handlers: { 'Prefetch::WorkHandler': gate.handler },
      concurrency: 2,
      prefetch: 20,
    });
    engines.push(tasker);
    const ids = (
      await tasker.submitMany(
        Array.from({ length: 30 }, (_, i) => ({ namespace: 'prefetch', name: 'one', context: { i } })),
      )
    ).map((r) => r.task_id);
    // Two handlers wait at the gate; 20 more steps are claimed (running in the store) and queued here.
    await waitFor(async () => gate.running === 2 && (await runningSteps(tasker, ids)) === 22, '22 steps claimed');
    expect(gate.running).toBe(2);
    gate.release();
    for (const id of ids) expect((await tasker.waitForTask(id, { timeoutMs: 30_000 })).current_state).toBe('completed');
    expect(gate.maxRunning).toBe(2);
    expect([...gate.runs.values()]).toEqual(ids.map(() => 1));
    for (const id of ids) expect((await tasker.getTask(id))!.workflow_steps[0]!.attempts).toBe(1);
  });

  it('hands queued steps back on stop, so another worker runs them at once', async () => {
    db = make();
    const gate = new Gate();
    const first = await openTestEngine(db, {
      templates: [one],
      handlers: { 'Prefetch::WorkHandler': gate.handler },
      concurrency: 1,
      prefetch: 5,
      drainTimeoutMs: 100,
      leaseMs: 600_000,
    });
    const ids = (
      await first.submitMany(
        Array.from({ length: 6 }, (_, i) => ({ namespace: 'prefetch', name: 'one', context: { i } })),
      )
    ).map((r) => r.task_id);
    await waitFor(async () => gate.running === 1 && (await runningSteps(first, ids)) === 6, '6 steps claimed');
    // The running handler is aborted past the drain timeout, the five queued are released: none keeps its lease.
    await first.close();
    gate.release();
    const second = await openTestEngine(db, {
      templates: [one],
      handlers: { 'Prefetch::WorkHandler': () => ({ ok: true }) },
    });
    engines.push(second);
    for (const id of ids) {
      const task = await second.waitForTask(id, { timeoutMs: 30_000 });
      expect(task.current_state).toBe('completed');
      expect(task.workflow_steps[0]!.attempts).toBe(1);
    }
  });
});
