// Failure semantics on both stores: retries with attempt counts, permanent errors, exhaustion, timeouts,
// retryAfter, non-retryable steps — each persisted in the step's history with its error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { PermanentError, RetryableError } from '../../src/core/errors.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, Recorder, recorded } from '../support/engine.js';

const fast = { base: 10, multiplier: 2, max: 50, jitter: 0 };

const linear = defineTask({
  name: 'flaky',
  namespace_name: 'failures',
  version: '1.0.0',
  task_handler_class: 'Failures::FlakyTask',
  step_templates: [
    { name: 'work', retry: fast, default_retry_limit: 3 },
    { name: 'after', depends_on_step: 'work' },
  ],
});

const diamond = defineTask({
  name: 'diamond',
  namespace_name: 'failures',
  version: '1.0.0',
  module_namespace: 'Diamond',
  step_templates: [
    { name: 'a' },
    { name: 'b', depends_on_step: 'a', retry: fast },
    { name: 'c', depends_on_step: 'a' },
    { name: 'd', depends_on_step: 'c' },
    { name: 'e', depends_on_step: ['b', 'd'] },
  ],
});

const timed = defineTask({
  name: 'timed',
  namespace_name: 'failures',
  version: '1.0.0',
  module_namespace: 'Timed',
  step_templates: [{ name: 'slow', timeout: 50, default_retry_limit: 2, retry: fast }],
});

const once = defineTask({
  name: 'once',
  namespace_name: 'failures',
  version: '1.0.0',
  module_namespace: 'Once',
  step_templates: [{ name: 'fragile', default_retryable: false, retry: fast }],
});

const patient = defineTask({
  name: 'patient',
  namespace_name: 'failures',
  version: '1.0.0',
  module_namespace: 'Patient',
  step_templates: [
    { name: 'polite', retry: { base: 60_000, multiplier: 1, max: 60_000, jitter: 0 }, default_retry_limit: 3 },
  ],
});

describe.each(STORE_KINDS)('failure semantics on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const rec = new Recorder();
  const mode: Record<string, string> = {};
  let sawAbort = 0;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [linear, diamond, timed, once, patient],
      handlers: {
        'Failures::WorkHandler': recorded(rec, ({ step, task }) => {
          if (task.context.failTimes > step.attempts - 1) throw new Error(`transient failure #${step.attempts}`);
          return { attempt: step.attempts };
        }),
        'Failures::AfterHandler': recorded(rec),
        'Diamond::AHandler': recorded(rec),
        'Diamond::BHandler': recorded(rec, () => {
          throw new PermanentError('card declined', { errorCode: 'card_declined' });
        }),
        'Diamond::CHandler': recorded(rec, () => new Promise((r) => setTimeout(() => r({ c: true }), 100))),
        'Diamond::DHandler': recorded(rec),
        'Diamond::EHandler': recorded(rec),
        'Timed::SlowHandler': recorded(
          rec,
          ({ step }) =>
            new Promise((_resolve, reject) => {
              step.signal.addEventListener('abort', () => {
                sawAbort++;
                reject(new Error('aborted'));
              });
            }),
        ),
        'Once::FragileHandler': recorded(rec, () => {
          throw new Error('boom');
        }),
        'Patient::PoliteHandler': recorded(rec, ({ step, task }) => {
          if (step.attempts === 1) throw new RetryableError('rate limited', { retryAfter: task.context.retryAfter });
          return { attempt: step.attempts };
        }),
      },
    });
    void mode;
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('retries a failing step and succeeds, counting attempts and keeping each error', async () => {
    const task = await tasker.run(
      { namespace: 'failures', name: 'flaky', context: { failTimes: 2 } },
      { timeoutMs: 20_000 },
    );
    expect(task.current_state).toBe('completed');
    const work = task.workflow_steps.find((s) => s.name === 'work')!;
    expect(work.attempts).toBe(3);
    expect(work.results).toEqual({ attempt: 3 });
    expect(rec.count('work', task.task_id)).toBe(3);
    const history = await tasker.store.getHistory(task.task_id, work.workflow_step_id);
    const retries = history.filter((h) => h.to_state === 'retrying');
    expect(retries.map((h) => h.attempt)).toEqual([1, 2]);
    expect(retries.map((h) => h.error?.message)).toEqual(['transient failure #1', 'transient failure #2']);
    expect(retries[0]!.error?.class).toBe('Error');
    expect(retries[0]!.error?.stack).toMatch(/at .*failures.test.ts/);
  });

  it('gives up after retry_limit attempts and fails the task', async () => {
    const task = await tasker.run(
      { namespace: 'failures', name: 'flaky', context: { failTimes: 99 } },
      { timeoutMs: 20_000 },
    );
    expect(task.current_state).toBe('failed');
    const [work, after] = task.workflow_steps;
    expect(work!.current_state).toBe('failed');
    expect(work!.attempts).toBe(3);
    expect(work!.error?.message).toContain('gave up after 3 attempts');
    expect(after!.current_state).toBe('pending');
    expect(rec.count('after', task.task_id)).toBe(0);
  });

  it('never retries a PermanentError, and fails the task only after independent branches finish', async () => {
    const task = await tasker.run({ namespace: 'failures', name: 'diamond', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    const s = Object.fromEntries(task.workflow_steps.map((x) => [x.name, x]));
    expect(s.b!.current_state).toBe('failed');
    expect(s.b!.attempts).toBe(1);
    expect(s.b!.error).toMatchObject({ class: 'PermanentError', code: 'card_declined', message: 'card declined' });
    expect(s.c!.current_state).toBe('completed');
    expect(s.d!.current_state).toBe('completed'); // the independent branch ran to its end
    expect(s.e!.current_state).toBe('pending'); // blocked by b
    expect(Date.parse(task.completed_at!)).toBeGreaterThanOrEqual(Date.parse(s.d!.completed_at!));
  });

  it('times a step out through step.signal and retries it as a retryable failure', async () => {
    const task = await tasker.run({ namespace: 'failures', name: 'timed', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    const slow = task.workflow_steps[0]!;
    expect(slow.attempts).toBe(2);
    expect(slow.error?.class).toBe('StepTimeoutError');
    expect(slow.error?.message).toContain('timed out after 50 ms');
    expect(sawAbort).toBeGreaterThanOrEqual(2);
    const history = await tasker.store.getHistory(task.task_id, slow.workflow_step_id);
    expect(history.filter((h) => h.to_state === 'retrying')).toHaveLength(1);
  });

  it('does not retry a step whose template says default_retryable: false', async () => {
    const task = await tasker.run({ namespace: 'failures', name: 'once', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    expect(task.workflow_steps[0]!.attempts).toBe(1);
  });

  it('honours RetryableError retryAfter (seconds, fractions) over the backoff policy', async () => {
    // The policy would wait 60 s; retryAfter 0.3 s must win.
    const task = await tasker.run(
      { namespace: 'failures', name: 'patient', context: { retryAfter: 0.3 } },
      { timeoutMs: 20_000 },
    );
    expect(task.current_state).toBe('completed');
    const step = task.workflow_steps[0]!;
    expect(step.attempts).toBe(2);
    const history = await tasker.store.getHistory(task.task_id, step.workflow_step_id);
    const failedAt = history.find((h) => h.to_state === 'retrying')!.at;
    const retriedAt = history.filter((h) => h.to_state === 'running')[1]!.at;
    expect(retriedAt - failedAt).toBeGreaterThanOrEqual(290); // not before it was due
    const now = await tasker.run(
      { namespace: 'failures', name: 'patient', context: { retryAfter: 0 } },
      { timeoutMs: 20_000 },
    );
    expect(now.current_state).toBe('completed');
    expect(now.workflow_steps[0]!.attempts).toBe(2);
  });
});
