// Lifecycle events on both stores: each published exactly once per occurrence with the documented payload,
// class and function subscribers, custom events from handlers, and subscribers that throw never break a task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { EventSubscriber } from '../../src/engine/event-subscriber.js';
import type { AnyEventPayload, StepEventPayload, TaskEventPayload } from '../../src/engine/events.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const diamond = defineTask({
  name: 'evented',
  namespace_name: 'ev',
  version: '1.2.0',
  module_namespace: 'Ev',
  step_templates: [
    { name: 'a' },
    { name: 'b', depends_on_step: 'a', retry: { base: 5, multiplier: 1, max: 5, jitter: 0 } },
    { name: 'c', depends_on_step: 'a' },
    { name: 'd', depends_on_step: ['b', 'c'] },
  ],
});

class Monitor extends EventSubscriber {
  static override subscribeTo = ['step.completed', 'step.retry_attempted', 'task.completed'];
  seen: AnyEventPayload[] = [];
  handleStepCompleted(e: StepEventPayload) {
    this.seen.push(e);
  }
  handleStepRetryAttempted(e: StepEventPayload) {
    this.seen.push(e);
  }
  handleTaskCompleted(e: TaskEventPayload) {
    this.seen.push(e);
  }
}

describe.each(STORE_KINDS)('events on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const all: AnyEventPayload[] = [];
  const monitor = new Monitor();

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [diamond],
      handlers: {
        'Ev::AHandler': () => ({ a: 1 }),
        'Ev::BHandler': (
          _t: unknown,
          _s: unknown,
          step: { attempts: number; publish: (n: string, p: object) => void },
        ) => {
          if (step.attempts === 1) throw new Error('first try fails');
          step.publish('payment.authorised', { amount: 42 });
          return { b: 2 };
        },
        'Ev::CHandler': () => ({ c: 3 }),
        'Ev::DHandler': () => ({ d: 4 }),
      },
      subscribers: [monitor],
    });
    tasker.subscribe((e: AnyEventPayload) => all.push(e), ['*']);
    tasker.subscribe(() => {
      throw new Error('a broken subscriber');
    }, ['step.completed']);
    tasker.subscribe(async () => {
      throw new Error('a broken async subscriber');
    }, ['task.completed']);
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('publishes each lifecycle event exactly once, with the documented payload', async () => {
    const task = await tasker.run({ namespace: 'ev', name: 'evented', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('completed'); // the throwing subscribers broke nothing
    const mine = all.filter((e) => e.task_id === task.task_id);
    const count = (event: string, step?: string) =>
      mine.filter((e) => e.event === event && (step === undefined || (e as StepEventPayload).step_name === step))
        .length;
    expect(count('task.started')).toBe(1);
    expect(count('task.completed')).toBe(1);
    expect(count('task.failed')).toBe(0);
    for (const s of ['a', 'b', 'c', 'd']) expect(count('step.completed', s)).toBe(1);
    expect(count('step.started', 'b')).toBe(2);
    expect(count('step.attempt_failed', 'b')).toBe(1);
    expect(count('step.retry_attempted', 'b')).toBe(1);
    expect(count('step.started', 'a')).toBe(1);
    expect(count('payment.authorised')).toBe(1);

    const completed = mine.find(
      (e) => e.event === 'step.completed' && (e as StepEventPayload).step_name === 'b',
    ) as StepEventPayload;
    expect(completed).toMatchObject({
      task_id: task.task_id,
      task_name: 'evented',
      namespace: 'ev',
      version: '1.2.0',
      step_name: 'b',
      attempt_number: 2,
    });
    expect(completed.step_id).toBe(task.workflow_steps.find((s) => s.name === 'b')!.workflow_step_id);
    expect(typeof completed.duration).toBe('number');
    expect(completed.correlation_id).toBe(task.correlation_id);
    expect(Number.isNaN(Date.parse(completed.timestamp))).toBe(false);
    const failedAttempt = mine.find((e) => e.event === 'step.attempt_failed') as StepEventPayload;
    expect(failedAttempt).toMatchObject({ error_message: 'first try fails', error_class: 'Error', attempt_number: 1 });
    const done = mine.find((e) => e.event === 'task.completed') as TaskEventPayload;
    expect(done.step_count).toBe(4);
    expect(done.total_duration).toBeGreaterThanOrEqual(0);
    const custom = mine.find((e) => e.event === 'payment.authorised')!;
    expect(custom).toMatchObject({ amount: 42, step_name: 'b', task_id: task.task_id });
  });

  it('delivers to class subscribers through handle<PascalCase> methods', async () => {
    const task = await tasker.run({ namespace: 'ev', name: 'evented', context: {} }, { timeoutMs: 20_000 });
    const mine = monitor.seen.filter((e) => e.task_id === task.task_id).map((e) => e.event);
    expect(mine.filter((e) => e === 'step.completed')).toHaveLength(4);
    expect(mine.filter((e) => e === 'step.retry_attempted')).toHaveLength(1);
    expect(mine.filter((e) => e === 'task.completed')).toHaveLength(1);
    expect(mine).not.toContain('step.started');
  });

  it('rejects subscribers that declare events they cannot handle', () => {
    class Broken extends EventSubscriber {
      static override subscribeTo = ['step.failed'];
    }
    expect(() => tasker.subscribe(Broken)).toThrow(/handleStepFailed/);
  });
});
