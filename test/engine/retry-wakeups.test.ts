// Issue 10 item 12: every retry scheduled in a process wakes the dispatch loop when it comes due. The poll fallback
// is set to ten minutes here, so a retry that depended on it would never run within the test's time: the task
// completing at all shows each retry got its own wake-up (no timing is asserted).
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const template = defineTask({
  name: 'two_retries',
  namespace_name: 'timers',
  version: '1.0.0',
  module_namespace: 'Timers',
  step_templates: [
    { name: 'quick', retry: { base: 50, multiplier: 1, max: 50, jitter: 0 } },
    { name: 'slow', retry: { base: 200, multiplier: 1, max: 200, jitter: 0 } },
    { name: 'slower', retry: { base: 400, multiplier: 1, max: 400, jitter: 0 } },
  ],
});

/** Fails the first attempt of every step, succeeds after. */
const failOnce = (_task: unknown, _seq: unknown, step: { attempts: number }) => {
  if (step.attempts === 1) throw new Error('first attempt fails');
  return { attempt: step.attempts };
};

describe.each(STORE_KINDS)('retry wake-ups ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('wakes for each of several retries waiting at once, not only the earliest', async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Timers::QuickHandler': failOnce,
        'Timers::SlowHandler': failOnce,
        'Timers::SlowerHandler': failOnce,
      },
      pollIntervalMs: 600_000,
    });
    const task = await tasker.run({ namespace: 'timers', name: 'two_retries', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps.map((s) => [s.name, s.attempts])).toEqual([
      ['quick', 2],
      ['slow', 2],
      ['slower', 2],
    ]);
  }, 30_000);
});
