// Flow control through the library on both stores, with the flow-control examples (examples/flow-control): template
// priorities and a request's override, a delayed start released by the running engine, pausing and resuming a task,
// a template and a namespace, and the pointed errors of bad requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { isTaskerError } from '../../src/core/errors.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const TEMPLATES = ['examples/flow-control/tasks'];
const HANDLERS = 'examples/flow-control/handlers.ts';

describe.each(STORE_KINDS)('flow control through the library on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;

  const ioScale = process.env.TASKER_EXAMPLE_IO_SCALE;
  beforeAll(async () => {
    process.env.TASKER_EXAMPLE_IO_SCALE = '0';
    db = make();
    tasker = await openTestEngine(db, { templates: TEMPLATES, handlers: HANDLERS, start: false, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
    if (ioScale === undefined) delete process.env.TASKER_EXAMPLE_IO_SCALE;
    else process.env.TASKER_EXAMPLE_IO_SCALE = ioScale;
  });

  it('takes the template priority, or the request one, and claims by it', async () => {
    const report = await tasker.submit({ namespace: 'flow_control', name: 'nightly_report' });
    const reminder = await tasker.submit({
      namespace: 'flow_control',
      name: 'send_reminder',
      context: { email: 'ada@example.com' },
    });
    const vip = await tasker.submit({ namespace: 'flow_control', name: 'vip_order' });
    const urgentReport = await tasker.submit({ namespace: 'flow_control', name: 'nightly_report', priority: 500 });
    expect((await tasker.getTask(vip.task_id))!.priority).toBe(100);
    expect((await tasker.getTask(report.task_id))!.priority).toBe(-100);
    expect((await tasker.getTask(reminder.task_id))!.priority).toBe(0);
    expect((await tasker.getTask(urgentReport.task_id))!.priority).toBe(500);
    const claimed = await tasker.store.claimSteps({ workerId: 'probe', limit: 10, leaseMs: 60_000 });
    expect(claimed.map((c) => c.task.task_id)).toEqual([
      urgentReport.task_id,
      vip.task_id,
      reminder.task_id,
      report.task_id,
    ]);
    await tasker.store.completeSteps(
      claimed.map((c) => ({ type: 'released', step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt })),
      { workerId: 'probe' },
    );
    await tasker.start();
    for (const t of [report, reminder, vip, urgentReport]) {
      expect((await tasker.waitForTask(t.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');
    }
  });

  it('starts a delayed task once its delay has passed, never before its run_at', async () => {
    await tasker.start();
    const { task_id } = await tasker.submit({
      namespace: 'flow_control',
      name: 'send_reminder',
      context: { email: 'bob@example.com' },
      delay: '300ms',
    });
    const held = (await tasker.getTask(task_id))!;
    expect(held).toMatchObject({ current_state: 'pending', waiting_for: 'delay' });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('completed');
    expect(Date.parse(done.workflow_steps[0]!.started_at!)).toBeGreaterThanOrEqual(Date.parse(held.run_at!));
    expect(done.workflow_steps[1]!.results).toMatchObject({ delivered_to: 'bob@example.com' });
    const history = await tasker.getHistory(task_id);
    expect(history.filter((h) => h.step_id === null).map((h) => `${h.from_state}>${h.to_state} ${h.reason}`)).toEqual([
      'pending>pending submitted with a delayed start',
      'pending>running started',
      'running>completed all steps completed, skipped or resolved',
    ]);
  });

  it('holds tasks of a paused template and namespace until resumed, and pauses one task', async () => {
    await tasker.start();
    expect(
      await tasker.pauseTemplate('flow_control', 'capture_payment', { actor: 'ops', reason: 'gateway down' }),
    ).toEqual({
      changed: true,
      tasks: 0,
    });
    const order = { namespace: 'flow_control', name: 'capture_payment', context: { order_id: 9 } };
    const { task_id } = await tasker.submit(order);
    await tasker.idle();
    expect(await tasker.getTask(task_id)).toMatchObject({
      current_state: 'pending',
      waiting_for: 'paused',
      paused: true,
    });
    expect(await tasker.listPaused()).toMatchObject([
      { namespace: 'flow_control', name: 'capture_payment', actor: 'ops', reason: 'gateway down' },
    ]);
    await tasker.pauseNamespace('flow_control', { actor: 'ops' });
    expect((await tasker.resumeTemplate('flow_control', 'capture_payment')).tasks).toBe(0);
    const other = await tasker.submit({ namespace: 'flow_control', name: 'vip_order' });
    await tasker.idle();
    expect((await tasker.getTask(other.task_id))!.waiting_for).toBe('paused');
    expect(await tasker.resumeNamespace('flow_control')).toEqual({ changed: true, tasks: 2 });
    expect((await tasker.waitForTask(task_id, { timeoutMs: 30_000 })).workflow_steps[1]!.results).toMatchObject({
      captured: 9,
    });
    expect((await tasker.waitForTask(other.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');

    const paused = await tasker.pauseTask(task_id).catch((e: unknown) => e);
    expect(isTaskerError(paused) && paused.code).toBe('illegal_action');
    const next = await tasker.submit({ ...order, delay: '1h' });
    expect(await tasker.pauseTask(next.task_id, { actor: 'ops:alice' })).toMatchObject({
      changed: true,
      paused: true,
      waiting_for: 'paused',
    });
    expect(await tasker.resumeTask(next.task_id)).toMatchObject({ changed: true, paused: false, waiting_for: 'delay' });
    expect(await tasker.cancelTask(next.task_id)).toBe(true);
  });

  it('refuses a context without the concurrency key, applies the newest limit and runs the keyed tasks', async () => {
    await tasker.start();
    const keyed = (version: string, limit: number) =>
      defineTask({
        name: 'keyed',
        namespace_name: 'flow_control',
        version,
        module_namespace: 'FlowControl',
        concurrency: { key: 'context.account.id', limit },
        step_templates: [{ name: 'build_batch' }],
      });
    tasker.registerTemplate(keyed('1.0.0', 2));
    const request = { namespace: 'flow_control', name: 'keyed', version: '1.0.0' };
    const missing = await tasker.submit({ ...request, context: { account: {} } }).catch((e: unknown) => e);
    expect(isTaskerError(missing) && missing.code).toBe('invalid_request');
    expect((missing as Error).message).toBe(
      "context.account.id is missing: the concurrency key of flow_control/keyed is 'context.account.id', so every " +
        'request must give it',
    );
    expect((missing as { details: Array<{ field: string }> }).details[0]!.field).toBe('context.account.id');
    await expect(tasker.submit({ ...request, context: { account: { id: { x: 1 } } } })).rejects.toThrow(
      'context.account.id must be a string, a number or a boolean',
    );
    tasker.registerTemplate(keyed('2.0.0', 5)); // the newest registered version's limit applies
    const done = await tasker.run({ ...request, context: { account: { id: 42 } } }, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('completed');
    const syncs = await tasker.submitMany(
      [1, 2, 3].map(() => ({ namespace: 'flow_control', name: 'sync_customer', context: { customer_id: 'acme' } })),
    );
    for (const t of syncs)
      expect((await tasker.waitForTask(t.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');
    const groups = await tasker.concurrencyGroups();
    expect(groups).toEqual(
      expect.arrayContaining([
        { key: 'task:flow_control/keyed:[42]', limit: 5, running: 0, waiting: 0 },
        { key: 'task:flow_control/sync_customer:["acme"]', limit: 1, running: 0, waiting: 0 },
      ]),
    );
  });

  it('refuses bad run_at, delay and priority with the field named', async () => {
    const base = { namespace: 'flow_control', name: 'vip_order' };
    await expect(tasker.submit({ ...base, run_at: new Date(), delay: '5m' })).rejects.toThrow(
      "give 'run_at' or 'delay', not both",
    );
    await expect(tasker.submit({ ...base, delay: '5 minutes' })).rejects.toThrow(/'delay' must be a duration/);
    await expect(tasker.submit({ ...base, run_at: 'next tuesday' })).rejects.toThrow(/'run_at' must be an RFC 3339/);
    await expect(tasker.submit({ ...base, priority: 1001 })).rejects.toThrow(/'priority' must be an integer/);
    const err = await tasker.submit({ ...base, delay: 'x' }).catch((e: unknown) => e);
    expect(isTaskerError(err) && err.code).toBe('invalid_request');
    expect((err as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual(['delay']);
  });
});
