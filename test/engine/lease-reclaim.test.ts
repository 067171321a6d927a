// Steps held by a worker that is gone come back to the engine: on the embedded store at once when the next engine
// opens (the holder's process is dead on this host: reason 'worker gone', whatever its lease says), and on both
// stores through the lease sweep of a running engine once the holder's lease has expired (reason 'lease expired').
// The holder is played by the test through the store (a claim under a made-up worker id), so nothing but the
// engine's own start-up reclaim or its sweep can hand the step back.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { sqliteDb, STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, recorded, Recorder } from '../support/engine.js';
import { LEVEL, memoryLogger } from '../support/logs.js';

const HOUR = 3_600_000;

const template = defineTask({
  name: 'orphan',
  namespace_name: 'reclaim',
  version: '1.0.0',
  module_namespace: 'Reclaim',
  step_templates: [{ name: 'work' }],
});

/** Submits a task and claims its step as `workerId` with `leaseMs`, through an engine that runs nothing. */
async function orphanedStep(db: TestDb, workerId: string, leaseMs: number, pid?: number) {
  const submitter = await openTestEngine(db, { templates: [template], concurrency: 0 });
  try {
    const { task_id } = await submitter.submit({ namespace: 'reclaim', name: 'orphan', context: {} });
    if (pid !== undefined)
      await submitter.store.workers.registerWorker({
        worker_id: workerId,
        hostname: hostname(),
        pid,
        namespaces: null,
        lease_ms: leaseMs,
      });
    const [claimed] = await submitter.store.claimSteps({ workerId, limit: 1, leaseMs });
    expect(claimed).toMatchObject({ task: { task_id }, name: 'work', attempt: 1 });
    return { task_id, step_id: claimed!.step_id };
  } finally {
    await submitter.close();
  }
}

/** A pid of this host whose process has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  return child.pid;
}

let db: TestDb | undefined;
let tasker: Tasker | undefined;
afterEach(async () => {
  await tasker?.close();
  tasker = undefined;
  await db?.cleanup();
  db = undefined;
});

describe('a dead worker on the embedded store', () => {
  it("loses its steps as soon as the next engine opens (reason 'worker gone'), though its lease runs for an hour", async () => {
    db = sqliteDb();
    const { task_id, step_id } = await orphanedStep(db, 'dead-worker', HOUR, deadPid());
    const rec = new Recorder();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: { 'Reclaim::WorkHandler': recorded(rec) },
      leaseMs: HOUR,
    });
    // Tasker.open has returned: the reclaim happened during it, not later through the lease.
    const history = await tasker.getHistory(task_id, step_id);
    expect(history.slice(0, 2)).toMatchObject([
      { from_state: 'pending', to_state: 'running', attempt: 1, actor: 'dead-worker' },
      { from_state: 'running', to_state: 'retrying', attempt: 1, reason: 'worker gone' },
    ]);
    expect(history[1]!.error).toMatchObject({ class: 'LeaseExpiredError', code: 'lease_expired' });
    expect(history[1]!.error!.message).toContain('worker dead-worker is gone');
    expect((await tasker.storeStats()).workers.map((w) => w.worker_id)).not.toContain('dead-worker');

    const task = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps[0]).toMatchObject({ name: 'work', attempts: 2 });
    expect(rec.runs.map((r) => r.attempt)).toEqual([2]);
  });
});

describe.each(STORE_KINDS)('the lease sweep ($kind)', ({ make }) => {
  it("takes back the step of a worker that is gone once its lease expires (reason 'lease expired')", async () => {
    db = make();
    const rec = new Recorder();
    const log = memoryLogger('warn');
    tasker = await openTestEngine(db, {
      logger: log.logger,
      templates: [template],
      handlers: { 'Reclaim::WorkHandler': recorded(rec) },
      leaseMs: 400,
      start: false,
    });
    const { task_id, step_id } = await orphanedStep(db, 'gone-worker', 300);
    await tasker.start();
    const task = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps[0]).toMatchObject({ name: 'work', attempts: 2 });
    expect(rec.runs.map((r) => r.attempt)).toEqual([2]);
    const history = await tasker.getHistory(task_id, step_id);
    expect(history.map((h) => [h.from_state, h.to_state, h.attempt])).toEqual([
      ['pending', 'running', 1],
      ['running', 'retrying', 1],
      ['retrying', 'running', 2],
      ['running', 'completed', 2],
    ]);
    expect(history[0]!.actor).toBe('gone-worker');
    expect(history[1]!.reason).toBe('lease expired');
    expect(history[1]!.error).toMatchObject({ class: 'LeaseExpiredError', code: 'lease_expired' });
    expect(history[1]!.error!.message).toContain('held by worker gone-worker expired');
    // The line about it carries the task and step (issue 12, Logs), read back from the store for the reclaim.
    expect(log.find('step reclaimed from a lost worker')).toEqual([
      expect.objectContaining({
        level: LEVEL.warn,
        task_id,
        workflow_step_id: step_id,
        step: 'work',
        namespace: 'reclaim',
        task: 'reclaim/orphan@1.0.0',
        correlation_id: task.correlation_id,
        attempt: 1,
        worker: 'gone-worker',
      }),
    ]);
  });
});
