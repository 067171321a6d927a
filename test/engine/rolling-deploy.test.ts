// Issue 10 item 9: in a rolling deploy, a worker runs only steps whose template version it has with all its
// handlers. A task of a newer version waits (visibly: `waiting_for` on the step, `waiting_for_worker` in stats) until
// a worker that has it comes, instead of being failed for good by an old worker; an operator can still resolve it.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { TaskerMetrics } from '../../src/api/metrics.js';
import { waitFor } from '../store/conformance/fixtures.js';

const v1 = defineTask({
  name: 'signup',
  namespace_name: 'deploy',
  version: '1.0.0',
  module_namespace: 'Deploy',
  step_templates: [{ name: 'welcome' }],
});
const v2 = defineTask({
  name: 'signup',
  namespace_name: 'deploy',
  version: '2.0.0',
  module_namespace: 'Deploy',
  step_templates: [
    { name: 'welcome' },
    { name: 'verify', depends_on_step: 'welcome', handler_class: 'Deploy::VerifyV2Handler' },
  ],
});

describe.each(STORE_KINDS)('a rolling deploy ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  const engines: Tasker[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await db?.cleanup();
  });

  it('leaves steps of a version an old worker lacks to a worker that has it; they wait visibly meanwhile', async () => {
    db = make();
    const ran: string[] = [];
    const record = (who: string) => (task: { version: string }, _s: unknown, step: { name: string }) => {
      ran.push(`${who}:${task.version}:${step.name}`);
      return { by: who };
    };
    const old = await openTestEngine(db, { templates: [v1], handlers: { 'Deploy::WelcomeHandler': record('old') } });
    engines.push(old);
    const submitter = await openTestEngine(db, { templates: [v1, v2], concurrency: 0 });
    engines.push(submitter);
    const first = await submitter.submit({ namespace: 'deploy', name: 'signup', version: '1.0.0', context: {} });
    const second = await submitter.submit({ namespace: 'deploy', name: 'signup', version: '2.0.0', context: {} });
    expect((await old.waitForTask(first.task_id, { timeoutMs: 20_000 })).current_state).toBe('completed');

    const waiting = await waitFor(async () => {
      const t = await old.getTask(second.task_id);
      return t?.workflow_steps[0]?.waiting_for === 'worker' && t;
    }, 'the v2 step to wait for a worker');
    expect(waiting.current_state).toBe('running');
    expect(waiting.workflow_steps.map((s) => [s.name, s.current_state, s.attempts])).toEqual([
      ['welcome', 'pending', 0],
      ['verify', 'pending', 0],
    ]);
    expect((await old.store.stats()).waiting_for_worker).toBe(1);
    const metrics = new TaskerMetrics(old);
    try {
      expect(await metrics.scrape()).toMatch(/^tasker_steps_waiting_for_worker 1$/m);
    } finally {
      metrics.close();
    }
    const oldRow = (await old.store.workers.listWorkers()).find((w) => w.worker_id === old.workerId)!;
    expect(oldRow.capabilities).toEqual(['deploy/signup@1.0.0']);

    const fresh = await openTestEngine(db, {
      templates: [v1, v2],
      handlers: { 'Deploy::WelcomeHandler': record('new'), 'Deploy::VerifyV2Handler': record('new') },
    });
    engines.push(fresh);
    const done = await fresh.waitForTask(second.task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.every((s) => s.waiting_for === null)).toBe(true);
    expect(ran.filter((r) => r.includes(':2.0.0:')).sort()).toEqual(['new:2.0.0:verify', 'new:2.0.0:welcome']);
    expect((await fresh.store.stats()).waiting_for_worker).toBe(0);
  });

  it('lets an operator resolve a step that no live worker can run', async () => {
    db = make();
    const old = await openTestEngine(db, { templates: [v1], handlers: { 'Deploy::WelcomeHandler': () => ({}) } });
    engines.push(old);
    const submitter = await openTestEngine(db, { templates: [v2], concurrency: 0 });
    engines.push(submitter);
    const { task_id } = await submitter.submit({ namespace: 'deploy', name: 'signup', version: '2.0.0', context: {} });
    const task = await waitFor(async () => {
      const t = await submitter.getTask(task_id);
      return t?.workflow_steps[0]?.waiting_for === 'worker' && t;
    }, 'the step to wait');
    for (const s of task.workflow_steps) {
      await submitter.operate({
        type: 'resolve_step',
        task_id,
        step_id: s.workflow_step_id,
        results: { by: 'ops' },
        actor: 'ops:alice',
      });
    }
    const done = (await submitter.getTask(task_id))!;
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.map((s) => s.current_state)).toEqual(['resolved_manually', 'resolved_manually']);
  });
});
