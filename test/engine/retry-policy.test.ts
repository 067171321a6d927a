// The retry backoff that runs is the step's own `retry` (base, multiplier, cap), else the engine's `retry` option:
// asserted on what the store recorded — the delay between a failed attempt's transition to `retrying` and the step's
// next_attempt_at — never on how long anything took. The delays are long (10 s and more) so the test never waits
// for them: earlier attempts are retried at once (RetryableError with retryAfter 0), only the attempt under test
// uses the backoff, and the steps are read while they wait.
import { afterEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../src/core/errors.js';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { waitFor } from '../store/conformance/fixtures.js';

const OWN = { base: 10_000, multiplier: 3, max: 50_000, jitter: 0 };
const GLOBAL = { base: 20_000, multiplier: 2, max: 60_000, jitter: 0 };

/** The step and the attempt whose failure uses the backoff: attempt n's delay is base * multiplier^(n-1), capped. */
const FAILS_AT: Record<string, number> = { first: 1, second: 2, third: 3, plain: 1 };

const template = defineTask({
  name: 'policies',
  namespace_name: 'backoff',
  version: '1.0.0',
  module_namespace: 'Backoff',
  step_templates: [
    { name: 'first', retry: OWN, default_retry_limit: 5 },
    { name: 'second', retry: OWN, default_retry_limit: 5 },
    { name: 'third', retry: OWN, default_retry_limit: 5 },
    { name: 'plain', default_retry_limit: 5 },
  ],
});

const handler = (_task: unknown, _sequence: unknown, step: { name: string; attempts: number }) => {
  if (step.attempts < FAILS_AT[step.name]!) throw new RetryableError('again at once', { retryAfter: 0 });
  throw new Error(`attempt ${step.attempts} failed`);
};

describe.each(STORE_KINDS)('the retry policy that runs ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it("schedules each retry by the step's own base, multiplier and cap, else by the engine's policy", async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: Object.fromEntries(Object.keys(FAILS_AT).map((n) => [`Backoff::${pascal(n)}Handler`, handler])),
      retry: GLOBAL,
    });
    const { task_id } = await tasker.submit({ namespace: 'backoff', name: 'policies', context: {} });
    const store = tasker.store;
    const waiting = await waitFor(async () => {
      const steps = (await store.getTask(task_id))!.workflow_steps;
      const all = steps.every((s) => s.current_state === 'retrying' && s.attempts === FAILS_AT[s.name]);
      return all && steps;
    }, 'every step to wait for its backed-off retry');

    const delays: Record<string, number> = {};
    for (const s of waiting) {
      const failure = (await store.getHistory(task_id, s.workflow_step_id)).at(-1)!;
      expect(failure).toMatchObject({ from_state: 'running', to_state: 'retrying', attempt: FAILS_AT[s.name] });
      expect(failure.error).toMatchObject({ message: `attempt ${FAILS_AT[s.name]} failed` });
      delays[s.name] = s.next_attempt_at! - failure.at;
    }
    expect(delays).toEqual({
      first: 10_000, // base
      second: 30_000, // base * multiplier
      third: 50_000, // base * multiplier^2 = 90 s, capped at max
      plain: 20_000, // no retry of its own: the engine's base
    });
  });
});

function pascal(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}
