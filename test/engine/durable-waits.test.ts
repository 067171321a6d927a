// Durable waits through the library, on both stores: a signal sent before, during and after the wait (after: the
// task is finished, 409-style OperatorActionError); a repeated signal id delivered once; a signal the template does
// not declare refused (NotFoundError); a signal wait timing out with error.code 'timeout' and its retry getting a
// fresh wait that consumes a signal sent meanwhile; a timer by duration and by `until`; a parked step holds no lease
// and shows waiting_for, and its park is a step.waiting event (and stream event); addressing a signal by idempotency
// key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, sleep } from '../support/engine.js';
import type { StepEventPayload } from '../../src/engine/events.js';
import { eventName } from '../../src/api/history-json.js';

const approval = defineTask({
  name: 'approval',
  namespace_name: 'waits',
  version: '1.0.0',
  module_namespace: 'Waits',
  step_templates: [
    { name: 'request' },
    { name: 'manager_approval', depends_on_step: 'request', wait_for: { signal: 'approval', timeout: '1h' } },
    { name: 'apply', depends_on_step: 'manager_approval' },
  ],
});

const shortWait = defineTask({
  name: 'short_wait',
  namespace_name: 'waits',
  version: '1.0.0',
  module_namespace: 'Waits',
  step_templates: [
    { name: 'await_ok', wait_for: { signal: 'ok', timeout: '300ms' }, default_retry_limit: 2, retry: { base: 0 } },
  ],
});

const timers = defineTask({
  name: 'timers',
  namespace_name: 'waits',
  version: '1.0.0',
  module_namespace: 'Waits',
  step_templates: [
    { name: 'pause', wait_for: { duration: '300ms' } },
    { name: 'remind', depends_on_step: 'pause', wait_for: { until: 'context.remind_at' } },
    { name: 'done', depends_on_step: 'remind' },
  ],
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await read();
    if (ok(v)) return v;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_KINDS)('durable waits on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const applied: unknown[] = [];

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [approval, shortWait, timers],
      pollIntervalMs: 50,
      handlers: {
        'Waits::RequestHandler': () => ({ requested: true }),
        'Waits::ApplyHandler': (_t: unknown, seq: { findStepByName(n: string): { results: unknown } }) => {
          const r = seq.findStepByName('manager_approval').results;
          applied.push(r);
          return { applied: r };
        },
        'Waits::DoneHandler': (_t: unknown, seq: { findStepByName(n: string): { results: unknown } }) => ({
          after: seq.findStepByName('remind').results,
        }),
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  const stepOf = async (taskId: number, name: string) =>
    (await tasker.getTask(taskId))!.workflow_steps.find((s) => s.name === name)!;

  it('parks a waiting step without a lease, then completes it with the signal payload', async () => {
    const events: StepEventPayload[] = [];
    const unsubscribe = tasker.subscribe(
      (e: StepEventPayload) => {
        if (e.step_name === 'manager_approval') events.push(e);
      },
      ['step.started', 'step.waiting', 'step.completed'],
    );
    const before = Date.now();
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'approval', context: {} });
    const parked = await until(
      () => stepOf(task_id, 'manager_approval'),
      (s) => s.waiting_for === 'signal',
      'the step to park',
    );
    expect(parked.current_state).toBe('pending');
    const raw = (await tasker.store.getTask(task_id))!.workflow_steps.find((s) => s.name === 'manager_approval')!;
    expect(raw.locked_by).toBeNull();
    expect(raw.lease_expires_at).toBeNull();
    const receipt = await tasker.signal(task_id, 'approval', { approved: true, by: 'ann' });
    expect(receipt).toMatchObject({ task_id, name: 'approval', delivered: true });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    const step = done.workflow_steps.find((s) => s.name === 'manager_approval')!;
    expect(step.results).toEqual({ approved: true, by: 'ann' });
    expect(done.workflow_steps.find((s) => s.name === 'apply')!.results).toEqual({
      applied: { approved: true, by: 'ann' },
    });
    unsubscribe();
    const mine = events.filter((e) => e.task_id === task_id);
    // The park is an event of its own (tasker run shows it), then the attempt that takes the signal starts again.
    expect(mine.map((e) => e.event)).toEqual(['step.started', 'step.waiting', 'step.started', 'step.completed']);
    expect(mine[1]).toMatchObject({ wait: 'signal', reason: "waiting for signal 'approval'", attempt_number: 1 });
    const deadline = Date.parse(mine[1]!.wait_until!);
    expect(deadline).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    // The stream of the API names the park's history row step.waiting too.
    const history = await tasker.store.history.getHistoryPage(task_id, { limit: 100 });
    const parkRow = history.find((h) => h.step_id === step.workflow_step_id && h.to_state === 'pending');
    expect(parkRow && eventName(parkRow)).toBe('step.waiting');
  });

  it('keeps a signal sent before the step waits, and delivers a repeated signal id once', async () => {
    const { task_id } = await tasker.submit({
      namespace: 'waits',
      name: 'approval',
      context: {},
      idempotency_key: `early-${Date.now()}`,
    });
    const first = await tasker.signal(task_id, 'approval', { n: 1 }, { signalId: 'sig-1' });
    const again = await tasker.signal(task_id, 'approval', { n: 2 }, { signalId: 'sig-1' });
    expect(first.delivered).toBe(true);
    expect(again.delivered).toBe(false);
    expect(again.signal_id).toBe(first.signal_id);
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toEqual({ n: 1 });
    const signals = await tasker.store.dynamic.listSignals(task_id);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.consumed_step_id).toBe(
      done.workflow_steps.find((s) => s.name === 'manager_approval')!.workflow_step_id,
    );
  });

  it('refuses a signal the template does not declare, and one to a finished task', async () => {
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'approval', context: {} });
    await expect(tasker.signal(task_id, 'aproval', {})).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining("declares no step waiting for signal 'aproval'; it waits for: approval"),
    });
    await tasker.signal(task_id, 'approval', {});
    await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    await expect(tasker.signal(task_id, 'approval', {})).rejects.toMatchObject({ code: 'illegal_action' });
    // a retry of a signal delivered before the task finished is a duplicate, not a refusal
    const { task_id: other } = await tasker.submit({ namespace: 'waits', name: 'approval', context: {} });
    const first = await tasker.signal(other, 'approval', { ok: 1 }, { signalId: 'retry-me' });
    await tasker.waitForTask(other, { timeoutMs: 20_000 });
    const again = await tasker.signal(other, 'approval', { ok: 1 }, { signalId: 'retry-me' });
    expect(again).toMatchObject({ delivered: false, signal_id: first.signal_id });
    await expect(tasker.signal(99_999_999, 'approval', {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('addresses a signal by idempotency key', async () => {
    const key = `by-key-${Date.now()}`;
    const { task_id } = await tasker.submit({
      namespace: 'waits',
      name: 'approval',
      context: {},
      idempotency_key: key,
    });
    const r = await tasker.signal({ idempotencyKey: key }, 'approval', { via: 'key' });
    expect(r.task_id).toBe(task_id);
    expect((await tasker.waitForTask(task_id, { timeoutMs: 20_000 })).current_state).toBe('completed');
    await expect(tasker.signal({ idempotencyKey: `${key}-none` }, 'approval', {})).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('times out with error.code timeout; the retry waits afresh and takes a signal sent meanwhile', async () => {
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'short_wait', context: {} });
    const failedOnce = await until(
      () => tasker.getHistory(task_id),
      (h) => h.some((r) => r.to_state === 'retrying' && r.reason === 'retry scheduled'),
      'the first wait to time out',
    );
    const timeout = failedOnce.find((r) => r.to_state === 'retrying' && r.reason === 'retry scheduled')!;
    expect(timeout.error?.code).toBe('timeout');
    expect(timeout.error?.message).toContain("no signal 'ok' arrived before");
    await tasker.signal(task_id, 'ok', { late: true });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps[0]!.results).toEqual({ late: true });
    expect(done.workflow_steps[0]!.attempts).toBe(2);
  });

  it('fails the task when the last wait times out', async () => {
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'short_wait', context: {} });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('failed');
    expect(done.workflow_steps[0]!.error?.code).toBe('timeout');
    expect(done.workflow_steps[0]!.attempts).toBe(2);
  });

  it('fires timers by duration and by a time in the context', async () => {
    const remindAt = new Date(Date.now() + 600).toISOString();
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'timers', context: { remind_at: remindAt } });
    const parked = await until(
      () => stepOf(task_id, 'pause'),
      (s) => s.waiting_for === 'timer',
      'the timer to park',
    );
    expect(parked.current_state).toBe('pending');
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    const remind = done.workflow_steps.find((s) => s.name === 'remind')!;
    expect(remind.results).toEqual({ waited_until: remindAt });
    expect(Date.parse(remind.completed_at!)).toBeGreaterThanOrEqual(Date.parse(remindAt));
    const pause = done.workflow_steps.find((s) => s.name === 'pause')!;
    const history = await tasker.getHistory(task_id);
    // The 300 ms run from when the handler asked, which lies between its attempt's claim and the park's commit (a
    // loaded machine puts milliseconds between the ask and the park's transaction): measured from the claim.
    const ofPause = history.filter((h) => h.step_id === pause.workflow_step_id);
    expect(ofPause.some((h) => h.reason === 'waiting for timer')).toBe(true);
    const claimedAt = ofPause.find((h) => h.to_state === 'running')!.at;
    expect(Date.parse(pause.completed_at!) - claimedAt).toBeGreaterThanOrEqual(300);
  });

  it('keeps 1,000 tasks waiting at once while other tasks complete, then completes them all', async () => {
    const before = (await tasker.store.stats()).steps_by_state.completed ?? 0;
    const waiting = await tasker.submitMany(
      Array.from({ length: 1_000 }, () => ({ namespace: 'waits', name: 'approval', context: {} })),
    );
    const ids = waiting.map((t) => t.task_id);
    await until(
      async () => (await tasker.store.stats()).steps_by_state,
      (byState) => (byState.completed ?? 0) >= before + 1_000 && (byState.running ?? 0) === 0,
      'the 1,000 requests to run and their waits to park',
    );
    // Others run to the end while the 1,000 wait, none of which holds a worker slot.
    const others = await tasker.submitMany(
      Array.from({ length: 50 }, () => ({
        namespace: 'waits',
        name: 'timers',
        context: { remind_at: new Date().toISOString() },
      })),
    );
    for (const { task_id } of others) {
      expect((await tasker.waitForTask(task_id, { timeoutMs: 60_000 })).current_state).toBe('completed');
    }
    await until(
      () => tasker.getTask(ids[500]!),
      (t) => t!.workflow_steps.find((s) => s.name === 'manager_approval')!.waiting_for === 'signal',
      'a waiting step to show its wait',
    );
    expect((await tasker.getTask(ids[500]!))!.current_state).toBe('running');
    for (const id of ids) await tasker.signal(id, 'approval', { id });
    for (const id of ids) {
      const done = await tasker.waitForTask(id, { timeoutMs: 120_000 });
      expect(done.current_state).toBe('completed');
    }
    expect(applied.filter((r) => typeof (r as { id?: unknown }).id === 'number')).toHaveLength(1_000);
  }, 240_000);

  it('fails a timer whose until value is not a time, naming it', async () => {
    const { task_id } = await tasker.submit({ namespace: 'waits', name: 'timers', context: { remind_at: 'soon' } });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('failed');
    const remind = done.workflow_steps.find((s) => s.name === 'remind')!;
    expect(remind.error?.message).toContain('wait_for.until: context.remind_at is "soon"');
  });
});
