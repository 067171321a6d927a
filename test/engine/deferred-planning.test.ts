// Issue 10 item 8: a task submitted by a process without the template's handlers (an API-only server, `tasker
// submit` without --handlers) is not run without its task handler's planning hook. It is created unplanned; the first
// worker with the handlers runs establishStepDependenciesAndDefaults, and only then do its steps run.
import { afterEach, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { EXAMPLES_HANDLERS, EXAMPLES_TEMPLATES, openTestEngine } from '../support/engine.js';

const FRAUD = { analysis_result: { processing_path: 'fraud_investigation' } };

describe.each(STORE_KINDS)('planning a task submitted without handlers ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  const engines: Tasker[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await db?.cleanup();
  });

  it('runs the hook on the first worker that has the handlers: only the chosen branch runs', async () => {
    db = make();
    const submitter = await openTestEngine(db, { templates: [EXAMPLES_TEMPLATES], concurrency: 0 });
    engines.push(submitter);
    const { task_id } = await submitter.submit({
      namespace: 'ecommerce',
      name: 'conditional_order_processing',
      context: FRAUD,
    });
    const before = (await submitter.getTask(task_id))!;
    expect(before.planned).toBe(false);
    expect(before.workflow_steps.every((s) => s.current_state === 'pending')).toBe(true);

    const worker = await openTestEngine(db, { templates: [EXAMPLES_TEMPLATES], handlers: EXAMPLES_HANDLERS });
    engines.push(worker);
    const skippedEvents: string[] = [];
    worker.subscribe((e: { step_name?: string }) => void skippedEvents.push(String(e.step_name)), ['step.skipped']);
    const task = await worker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(task.current_state).toBe('completed');
    expect(task.planned).toBe(true);
    const states = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s.current_state]));
    expect(states).toEqual({
      analyze_order: 'completed',
      standard_processing: 'skipped',
      manual_review: 'skipped',
      fraud_investigation: 'completed',
    });
    // The root was handed back to plan first: it ran once, at attempt 1.
    expect(task.workflow_steps.find((s) => s.name === 'analyze_order')!.attempts).toBe(1);
    expect(skippedEvents.sort()).toEqual(['manual_review', 'standard_processing']);
    const history = await worker.store.getHistory(task_id);
    expect(history.filter((h) => h.to_state === 'skipped').map((h) => h.reason)).toEqual([
      'disabled by task handler',
      'disabled by task handler',
    ]);
  });

  it('plans at submission when the submitter has the handlers, as before', async () => {
    db = make();
    const tasker = await openTestEngine(db, {
      templates: [EXAMPLES_TEMPLATES],
      handlers: EXAMPLES_HANDLERS,
      concurrency: 0,
    });
    engines.push(tasker);
    const { task_id } = await tasker.submit({
      namespace: 'ecommerce',
      name: 'conditional_order_processing',
      context: FRAUD,
    });
    const task = (await tasker.getTask(task_id))!;
    expect(task.planned).toBe(true);
    expect(
      task.workflow_steps
        .filter((s) => s.current_state === 'skipped')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['manual_review', 'standard_processing']);
  });
});
