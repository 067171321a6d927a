// Task requests and control on both stores: schema-validated context, idempotency keys, bypass_steps, the
// establish hook, cancellation with in-flight abort, and handler resolution checked before anything runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { InvalidRequestError } from '../../src/core/errors.js';
import { TemplateValidationError } from '../../src/definition/validation-issue.js';
import { ConfiguredTask, type PlannedStep, type TaskView } from '../../src/core/handler-api.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, Recorder, recorded, sleep } from '../support/engine.js';

const orders = defineTask({
  name: 'order',
  namespace_name: 'req',
  version: '1.0.0',
  task_handler_class: 'Req::OrderTask',
  schema: {
    type: 'object',
    required: ['order_id'],
    properties: { order_id: { type: 'integer', minimum: 1 }, email: { type: 'string', format: 'email' } },
  },
  step_templates: [
    { name: 'charge' },
    { name: 'ship', depends_on_step: 'charge' },
    { name: 'notify', depends_on_step: 'ship' },
    { name: 'audit', depends_on_step: 'charge' },
  ],
});

const blocking = defineTask({
  name: 'blocking',
  namespace_name: 'req',
  version: '1.0.0',
  module_namespace: 'Block',
  step_templates: [{ name: 'hold' }, { name: 'later', depends_on_step: 'hold' }],
});

let hookCalls = 0;
class OrderTask extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    hookCalls++;
    if (task.context.skip_audit) steps.find((s) => s.name === 'audit')!.update({ enabled: false });
    if (task.context.no_notify) steps.find((s) => s.name === 'ship')!.update({ enabled: false });
    steps.find((s) => s.name === 'charge')!.update({ retry_limit: 1, timeout: 5_000 });
  }
}

describe.each(STORE_KINDS)('task requests on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const rec = new Recorder();
  let aborted = 0;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [orders, blocking],
      handlers: {
        'Req::OrderTask': OrderTask,
        'Req::ChargeHandler': recorded(rec),
        'Req::ShipHandler': recorded(rec),
        'Req::NotifyHandler': recorded(rec),
        'Req::AuditHandler': recorded(rec),
        'Block::HoldHandler': recorded(
          rec,
          ({ step }) =>
            new Promise((_r, reject) =>
              step.signal.addEventListener('abort', () => {
                aborted++;
                reject(new Error('stopped'));
              }),
            ),
        ),
        'Block::LaterHandler': recorded(rec),
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('rejects a context that breaks the template schema, listing the errors and creating nothing', async () => {
    const before = (await tasker.listTasks({ limit: 1000 })).tasks.length;
    const err = await tasker
      .submit({ namespace: 'req', name: 'order', context: { order_id: 'seven', email: 'nope' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toContain('/order_id must be integer');
    expect(err.message).toContain('/email must match format "email"');
    expect(err.details).toHaveLength(2);
    expect((await tasker.listTasks({ limit: 1000 })).tasks.length).toBe(before);
  });

  it('rejects unknown templates, versions and bypass steps with clear messages', async () => {
    await expect(tasker.submit({ namespace: 'req', name: 'nope', context: {} })).rejects.toThrow(
      /unknown template req\/nope/,
    );
    await expect(
      tasker.submit({ namespace: 'req', name: 'order', version: '9.9.9', context: { order_id: 1 } }),
    ).rejects.toThrow(/known versions: 1.0.0/);
    await expect(
      tasker.submit({ namespace: 'req', name: 'order', context: { order_id: 1 }, bypass_steps: ['chrage'] }),
    ).rejects.toThrow(/unknown step\(s\) chrage/);
    await expect(
      tasker.submit({ namespace: 'req', name: 'order', context: { order_id: 1 }, colour: 'red' } as never),
    ).rejects.toThrow(/unknown field 'colour'/);
  });

  it('returns the existing task for a repeated idempotency_key, also under concurrent submits', async () => {
    const first = await tasker.submit({
      namespace: 'req',
      name: 'order',
      context: { order_id: 5 },
      idempotency_key: 'order-5',
    });
    const again = await tasker.submit({
      namespace: 'req',
      name: 'order',
      context: { order_id: 5 },
      idempotency_key: 'order-5',
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ task_id: first.task_id, created: false });
    const burst = await Promise.all(
      Array.from({ length: 10 }, () =>
        tasker.submit({ namespace: 'req', name: 'order', context: { order_id: 6 }, idempotency_key: 'order-6' }),
      ),
    );
    expect(new Set(burst.map((b) => b.task_id)).size).toBe(1);
    expect(burst.filter((b) => b.created)).toHaveLength(1);
    const withKey = (await tasker.listTasks({ limit: 1000 })).tasks.filter((t) => t.idempotency_key === 'order-6');
    expect(withKey).toHaveLength(1);
    await tasker.waitForTask(first.task_id, { timeoutMs: 20_000 });
  });

  it('runs establishStepDependenciesAndDefaults once before any step, applying update()', async () => {
    const calls = hookCalls;
    const task = await tasker.run(
      { namespace: 'req', name: 'order', context: { order_id: 8, skip_audit: true } },
      { timeoutMs: 20_000 },
    );
    expect(hookCalls).toBe(calls + 1);
    const s = Object.fromEntries(task.workflow_steps.map((x) => [x.name, x]));
    expect(s.charge!.retry_limit).toBe(1);
    expect(s.audit!.current_state).toBe('skipped');
    expect(rec.count('audit', task.task_id)).toBe(0);
    expect(task.current_state).toBe('completed');
  });

  it('skips steps reachable only through a disabled step, and bypass_steps lets dependents run', async () => {
    const disabled = await tasker.run(
      { namespace: 'req', name: 'order', context: { order_id: 9, no_notify: true } },
      { timeoutMs: 20_000 },
    );
    const d = Object.fromEntries(disabled.workflow_steps.map((x) => [x.name, x.current_state]));
    expect(d).toEqual({ charge: 'completed', ship: 'skipped', notify: 'skipped', audit: 'completed' });
    const bypassed = await tasker.run(
      { namespace: 'req', name: 'order', context: { order_id: 10 }, bypass_steps: ['ship'] },
      { timeoutMs: 20_000 },
    );
    const b = Object.fromEntries(bypassed.workflow_steps.map((x) => [x.name, x.current_state]));
    expect(b).toEqual({ charge: 'completed', ship: 'skipped', notify: 'completed', audit: 'completed' });
    expect(rec.count('ship', bypassed.task_id)).toBe(0);
  });

  it('cancels a task: in-flight handlers see their signal abort and pending steps are cancelled', async () => {
    const { task_id } = await tasker.submit({ namespace: 'req', name: 'blocking', context: {} });
    for (let i = 0; i < 200 && rec.count('hold', task_id) === 0; i++) await sleep(25);
    expect(rec.count('hold', task_id)).toBe(1);
    const before = aborted;
    expect(await tasker.cancelTask(task_id, { actor: 'test', reason: 'customer changed their mind' })).toBe(true);
    const task = await tasker.waitForTask(task_id, { timeoutMs: 10_000 });
    expect(task.current_state).toBe('cancelled');
    expect(task.workflow_steps.map((s) => s.current_state)).toEqual(['cancelled', 'cancelled']);
    for (let i = 0; i < 100 && aborted === before; i++) await sleep(20);
    expect(aborted).toBe(before + 1);
    expect(await tasker.cancelTask(task_id)).toBe(false); // already terminal
    const history = await tasker.store.getHistory(task_id);
    expect(history.some((h) => h.step_id === null && h.to_state === 'cancelled' && h.actor === 'test')).toBe(true);
  });
});

describe.each(STORE_KINDS)('handler resolution on $kind', ({ make }) => {
  it('refuses to start when a step handler is missing, naming the step and the class looked for', async () => {
    const db = make();
    try {
      const err = await Tasker.open({
        db: db.url,
        logger: silentLogger(),
        templates: [orders],
        handlers: { 'Req::ChargeHandler': () => null },
      }).catch((e) => e);
      expect(err).toBeInstanceOf(TemplateValidationError);
      expect(err.message).toContain("step 'ship'");
      expect(err.message).toContain('Req::ShipHandler');
    } finally {
      await db.cleanup();
    }
  });
});
