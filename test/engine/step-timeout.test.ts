// The default step timeout: a step without a timeout of its own is cut off by its template's default_step_timeout,
// else the worker's stepTimeoutMs, else 15 minutes — so a handler that never settles cannot hold a slot for ever.
// The retryable StepTimeoutError says which limit applied and where to change it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { DEFAULT_STEP_TIMEOUT_MS, effectiveStepTimeout } from '../../src/engine/step-timeout.js';
import { TaskerError } from '../../src/core/errors.js';
import { STORE_KINDS, sqliteDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const fast = { base: 10, multiplier: 1, max: 10, jitter: 0 };
const never = () => new Promise(() => undefined);

const plain = defineTask({
  name: 'plain',
  namespace_name: 'timeouts',
  version: '1.0.0',
  module_namespace: 'Hang',
  step_templates: [{ name: 'stuck', default_retry_limit: 2, retry: fast }],
});

const templated = defineTask({
  name: 'templated',
  namespace_name: 'timeouts',
  version: '1.0.0',
  module_namespace: 'Hang',
  default_step_timeout: 150,
  step_templates: [{ name: 'stuck', default_retry_limit: 1 }],
});

const own = defineTask({
  name: 'own',
  namespace_name: 'timeouts',
  version: '1.0.0',
  module_namespace: 'Hang',
  default_step_timeout: 600_000,
  step_templates: [{ name: 'stuck', timeout: 120, default_retry_limit: 1 }],
});

describe.each(STORE_KINDS)('default step timeout on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [plain, templated, own],
      handlers: { 'Hang::StuckHandler': never },
      stepTimeoutMs: 200,
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it("cuts off a step with no timeout at the worker's stepTimeoutMs, retrying it", async () => {
    const task = await tasker.run({ namespace: 'timeouts', name: 'plain', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    const step = task.workflow_steps[0]!;
    expect(step.attempts).toBe(2);
    expect(step.error).toMatchObject({ class: 'StepTimeoutError', code: 'timeout' });
    expect(step.error?.message).toContain('step timed out after 200 ms');
    expect(step.error?.message).toContain(
      "this worker's step timeout (--step-timeout, $TASKER_STEP_TIMEOUT_MS or stepTimeoutMs)",
    );
    expect(step.error?.message).toContain('default_step_timeout on the template');
  });

  it("uses the template's default_step_timeout over the worker's", async () => {
    const task = await tasker.run({ namespace: 'timeouts', name: 'templated', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    const step = task.workflow_steps[0]!;
    expect(step.error?.message).toContain('step timed out after 150 ms');
    expect(step.error?.message).toContain('default_step_timeout of timeouts/templated@1.0.0');
  });

  it("uses the step's own timeout over the template's default", async () => {
    const task = await tasker.run({ namespace: 'timeouts', name: 'own', context: {} }, { timeoutMs: 20_000 });
    const step = task.workflow_steps[0]!;
    expect(step.error?.message).toContain('step timed out after 120 ms');
    expect(step.error?.message).toContain("timeout of step 'stuck' in timeouts/own@1.0.0");
  });
});

describe('which step timeout applies', () => {
  it('is 15 minutes when nothing is set, and follows step > template > worker', () => {
    expect(DEFAULT_STEP_TIMEOUT_MS).toBe(15 * 60_000);
    expect(effectiveStepTimeout(null, undefined, undefined)).toEqual({
      ms: DEFAULT_STEP_TIMEOUT_MS,
      source: 'default',
    });
    expect(effectiveStepTimeout(null, undefined, 5000)).toEqual({ ms: 5000, source: 'worker' });
    expect(effectiveStepTimeout(null, 7000, 5000)).toEqual({ ms: 7000, source: 'template' });
    expect(effectiveStepTimeout(300, 7000, 5000)).toEqual({ ms: 300, source: 'step' });
  });

  it('refuses a stepTimeoutMs that is not positive milliseconds within a timer range', async () => {
    const db = sqliteDb();
    try {
      for (const bad of [0, -1, 1.5, 2 ** 31]) {
        const err = await openTestEngine(db, { stepTimeoutMs: bad }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TaskerError);
        expect((err as Error).message).toContain(`stepTimeoutMs must be a positive integer of milliseconds`);
      }
    } finally {
      await db.cleanup();
    }
  });

  it('refuses a timeout beyond the timer range set by the planning hook, naming the step and the limit', async () => {
    const db = sqliteDb();
    const template = defineTask({
      name: 'hooked',
      namespace_name: 'timeouts',
      version: '1.0.0',
      task_handler_class: 'Hang::Hooked',
      step_templates: [{ name: 'stuck' }],
    });
    class Hooked {
      establishStepDependenciesAndDefaults(_task: unknown, steps: Array<{ update(p: object): void }>) {
        steps[0]!.update({ timeout: 2 ** 31 });
      }
    }
    const tasker = await openTestEngine(db, {
      templates: [template],
      handlers: { 'Hang::Hooked': Hooked, 'Hang::StuckHandler': never },
      concurrency: 0,
    });
    try {
      const err = await tasker.submit({ namespace: 'timeouts', name: 'hooked', context: {} }).catch((e: unknown) => e);
      expect((err as Error).message).toContain(
        "step 'stuck': timeout must be a whole number of milliseconds from 1 to 2147483647",
      );
    } finally {
      await tasker.close();
      await db.cleanup();
    }
  });
});
