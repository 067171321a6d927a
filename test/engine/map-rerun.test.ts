// Map fan-out and operators, on both stores: an instance that failed for good leaves its mapped step waiting and fails
// the task; an operator retrying the instance lets the map finish. A rerun from the mapped step (or from upstream of
// it) drops its instances and maps the list afresh — a different length included — with the task's step count and
// history following; a rerun from an instance is refused, naming the mapped step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { PermanentError } from '../../src/core/errors.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const totals = defineTask({
  name: 'totals',
  namespace_name: 'maprerun',
  version: '1.0.0',
  module_namespace: 'Mr',
  step_templates: [
    { name: 'source' },
    { name: 'work', depends_on_step: 'source', map: { over: 'source.results.items', max_parallel: 2 } },
    { name: 'total', depends_on_step: 'work' },
  ],
});

type Seq = { findStepByName(n: string): { results: unknown } };

describe.each(STORE_KINDS)('map fan-out with operators and reruns on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  /** Items that fail (PermanentError) until taken out of this set. */
  const failing = new Set<number>();
  const workRuns: Array<{ task: number; run: number; item: number }> = [];

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [totals],
      pollIntervalMs: 50,
      handlers: {
        'Mr::SourceHandler': (task: { context: { items: number[] } }) => ({ items: task.context.items }),
        'Mr::WorkHandler': (task: { task_id: number; run: number }, _s: unknown, step: { item: number }) => {
          workRuns.push({ task: task.task_id, run: task.run, item: step.item });
          if (failing.has(step.item)) throw new PermanentError(`item ${step.item} is bad`);
          return step.item * 10;
        },
        'Mr::TotalHandler': (_t: unknown, seq: Seq) => ({
          sum: (seq.findStepByName('work').results as number[]).reduce((a, b) => a + b, 0),
        }),
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  const stepNamed = (t: { workflow_steps: Array<{ name: string }> }, name: string) =>
    t.workflow_steps.find((s) => s.name === name) as Awaited<ReturnType<Tasker['run']>>['workflow_steps'][number];

  it('fails the task when an instance fails for good; retrying that instance finishes the map', async () => {
    failing.add(13);
    const first = await tasker.run({ namespace: 'maprerun', name: 'totals', context: { items: [11, 12, 13, 14] } });
    expect(first.current_state).toBe('failed');
    const work = stepNamed(first, 'work');
    expect(work.current_state).toBe('pending');
    expect(work.waiting_for).toBe('map');
    expect(work.map?.counts).toEqual({ completed: 3, failed: 1 });
    const bad = work.map!.instances[2]!;
    expect(bad).toMatchObject({ name: 'work[2]', current_state: 'failed', map_index: 2 });
    expect(bad.error?.message).toBe('item 13 is bad');

    failing.delete(13);
    await tasker.operate({
      type: 'retry_step',
      task_id: first.task_id,
      step_id: bad.workflow_step_id,
      actor: 'ops:ann',
    });
    const done = await tasker.waitForTask(first.task_id, { timeoutMs: 20_000 });
    expect(done.current_state).toBe('completed');
    expect(stepNamed(done, 'work').results).toEqual([110, 120, 130, 140]);
    expect(stepNamed(done, 'total').results).toEqual({ sum: 500 });
    expect(
      workRuns
        .filter((r) => r.task === first.task_id)
        .map((r) => r.item)
        .sort(),
    ).toEqual([11, 12, 13, 13, 14]);
  });

  it('reruns a mapped step over a list of another length: old instances go, new ones run', async () => {
    const first = await tasker.run({ namespace: 'maprerun', name: 'totals', context: { items: [1, 2, 3, 4, 5] } });
    expect(first.current_state).toBe('completed');
    const id = first.task_id;
    expect((await tasker.store.getTask(id))!.step_count).toBe(8);
    const oldIds = stepNamed(first, 'work').map!.instances.map((i) => i.workflow_step_id);

    // From upstream: the source step runs again with the patched context, the map maps its new list.
    await tasker.rerun(id, 'source', { reason: 'two items only', actor: 'ops:ann', contextPatch: { items: [7, 8] } });
    const done = await tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ current_state: 'completed', run: 2 });
    const work = stepNamed(done, 'work');
    expect(work.results).toEqual([70, 80]);
    expect(work.map?.size).toBe(2);
    expect(work.map!.instances.map((i) => i.name)).toEqual(['work[0]', 'work[1]']);
    for (const i of work.map!.instances) expect(oldIds).not.toContain(i.workflow_step_id);
    expect(stepNamed(done, 'total').results).toEqual({ sum: 150 });
    const raw = (await tasker.store.getTask(id))!;
    expect(raw.step_count).toBe(5);
    expect(raw.workflow_steps).toHaveLength(5);
    const history = await tasker.getHistory(id);
    expect(history.some((h) => h.step_id !== null && oldIds.includes(h.step_id))).toBe(false);
    expect(
      workRuns
        .filter((r) => r.task === id && r.run === 2)
        .map((r) => r.item)
        .sort(),
    ).toEqual([7, 8]);

    // From the mapped step itself: the same list, mapped again.
    await tasker.rerun(id, 'work', { reason: 'again', actor: 'ops:ann' });
    const third = await tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(third).toMatchObject({ current_state: 'completed', run: 3 });
    expect(stepNamed(third, 'work').results).toEqual([70, 80]);
    expect((await tasker.store.getTask(id))!.step_count).toBe(5);
  });

  it('refuses a rerun from a map instance, naming its mapped step', async () => {
    const done = await tasker.run({ namespace: 'maprerun', name: 'totals', context: { items: [1] } });
    const instance = stepNamed(done, 'work').map!.instances[0]!;
    await expect(
      tasker.rerun(done.task_id, instance.workflow_step_id, { reason: 'x', actor: 'ops:ann' }),
    ).rejects.toThrow(/cannot rerun map instance "work\[0\]" .* rerun its mapped step "work"/);
  });
});
