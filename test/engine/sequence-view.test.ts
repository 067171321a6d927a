// `sequence.findStepByName` sees a step's ancestors only (their results are loaded per claim); asking for any other
// step is an error that names it and says to add it to depends_on_step — never a silent undefined.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { makeSequenceView } from '../../src/engine/handler-views.js';
import type { StepSnapshot } from '../../src/core/handler-api.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const template = defineTask({
  name: 'lookups',
  namespace_name: 'sequence',
  version: '1.0.0',
  module_namespace: 'Seq',
  step_templates: [
    { name: 'fetch' },
    { name: 'price', depends_on_step: 'fetch' },
    { name: 'ship', depends_on_step: 'fetch' },
  ],
});

describe.each(STORE_KINDS)('sequence.findStepByName on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const seen: Record<string, unknown> = {};

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Seq::FetchHandler': () => ({ order: 7 }),
        'Seq::PriceHandler': (_task: unknown, sequence: { findStepByName(n: string): { results: unknown } }) => {
          seen['fetch'] = sequence.findStepByName('fetch').results;
          return { price: 10 };
        },
        'Seq::ShipHandler': (task: { context: { ask: string } }, sequence: { findStepByName(n: string): unknown }) => {
          seen['ship'] = sequence.findStepByName(task.context.ask);
          return { shipped: true };
        },
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('fails the step permanently when it asks for a step that is not upstream, naming the fix', async () => {
    const task = await tasker.run(
      { namespace: 'sequence', name: 'lookups', context: { ask: 'price' } },
      { timeoutMs: 20_000 },
    );
    expect(seen['fetch']).toEqual({ order: 7 });
    expect(task.current_state).toBe('failed');
    const ship = task.workflow_steps.find((s) => s.name === 'ship')!;
    expect(ship.current_state).toBe('failed');
    expect(ship.attempts).toBe(1); // retrying cannot change the template
    expect(ship.error?.code).toBe('step_not_upstream');
    expect(ship.error?.message).toContain("'price' is not upstream of step 'ship'");
    expect(ship.error?.message).toContain("add 'price' to depends_on_step of 'ship'");
  });

  it('names an unknown step with a did-you-mean', async () => {
    const task = await tasker.run(
      { namespace: 'sequence', name: 'lookups', context: { ask: 'fetchh' } },
      { timeoutMs: 20_000 },
    );
    const ship = task.workflow_steps.find((s) => s.name === 'ship')!;
    expect(ship.current_state).toBe('failed');
    expect(ship.error?.code).toBe('unknown_step');
    expect(ship.error?.message).toContain("sequence/lookups@1.0.0 has no step 'fetchh'");
    expect(ship.error?.message).toContain("did you mean 'fetch'");
  });
});

describe('makeSequenceView without a step (the updateAnnotations hook sees every step)', () => {
  const snap = {
    workflow_step_id: 1,
    name: 'a',
    current_state: 'completed',
    results: { x: 1 },
    attempts: 1,
  } as unknown as StepSnapshot;
  it('finds a step and throws for a name the task does not have', () => {
    const view = makeSequenceView([snap]);
    expect(view.findStepByName('a').results).toEqual({ x: 1 });
    expect(() => view.findStepByName('b')).toThrow("this task has no step 'b' (steps: a)");
  });
});
