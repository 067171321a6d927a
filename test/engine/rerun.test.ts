// Rerun from a step through the engine, on both stores: a completed diamond rerun from its middle step runs only that
// step and its descendants again (upstream results kept, the new results seen downstream), at run 2, with
// task.completed and the annotations hook once per run and the old attempts kept in the history; context patches
// are validated and make the planning hook run again; bulk reruns count in a dry run; caches never serve a past run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { ConfiguredTask, type PlannedStep, type TaskView } from '../../src/core/handler-api.js';
import { InvalidRequestError, OperatorActionError } from '../../src/core/errors.js';
import type { TaskEventPayload } from '../../src/engine/events.js';
import { StepInputLoader } from '../../src/engine/step-inputs.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, Recorder, recorded, sleep } from '../support/engine.js';

const diamond = defineTask({
  name: 'diamond',
  namespace_name: 'rerun',
  version: '1.0.0',
  module_namespace: 'Rr',
  task_handler_class: 'Rr::DiamondTask',
  schema: {
    type: 'object',
    required: ['order_id'],
    properties: { order_id: { type: 'integer' }, skip_c: { type: 'boolean' } },
  },
  step_templates: [
    { name: 'a' },
    { name: 'b', depends_on_step: 'a' },
    { name: 'c', depends_on_step: 'a' },
    { name: 'd', depends_on_step: ['b', 'c'] },
  ],
});

/** Another template of the namespace, without a step `b`. */
const single = defineTask({
  name: 'single',
  namespace_name: 'rerun',
  version: '1.0.0',
  module_namespace: 'Rr',
  step_templates: [{ name: 'a' }],
});

class DiamondTask extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    if (task.context.skip_c) steps.find((s) => s.name === 'c')!.update({ enabled: false });
  }
  override async updateAnnotations(task: TaskView) {
    await task.annotations.create({ annotation_type: 'finished', content: { run: task.run } });
  }
}

type Seq = { findStepByName(n: string): { results: Record<string, unknown> } };

describe.each(STORE_KINDS)('rerun from a step on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const rec = new Recorder();
  const ends: TaskEventPayload[] = [];
  /** Holds step a of tasks whose context says `hold` until released. */
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [diamond, single],
      handlers: {
        'Rr::DiamondTask': DiamondTask,
        'Rr::AHandler': recorded(rec, async ({ task }) => {
          if (task.context.hold) await gate;
          return { a: task.context.order_id };
        }),
        'Rr::BHandler': recorded(rec, ({ task }) => ({ b_run: task.run, order: task.context.order_id })),
        'Rr::CHandler': recorded(rec, () => ({ c: 1 })),
        'Rr::DHandler': recorded(rec, ({ task, sequence }) => ({
          saw_b: (sequence as Seq).findStepByName('b').results,
          run: task.run,
        })),
      },
    });
    tasker.subscribe((e: TaskEventPayload) => ends.push(e), ['task.completed', 'task.failed']);
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('reruns only the step and its descendants, at run 2, finalising once per run', async () => {
    const first = await tasker.run({ namespace: 'rerun', name: 'diamond', context: { order_id: 7 } });
    expect(first).toMatchObject({ current_state: 'completed', run: 1 });
    const id = first.task_id;
    const after = await tasker.rerun(id, 'b', { reason: 'fixed b', actor: 'ops:alice' });
    expect(after).toMatchObject({ task_id: id, current_state: 'running', run: 2 });
    expect(Object.fromEntries(after.workflow_steps.map((s) => [s.name, s.current_state]))).toMatchObject({
      a: 'completed',
      c: 'completed',
      d: 'pending',
    });
    const done = await tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ current_state: 'completed', run: 2 });
    expect([rec.count('a', id), rec.count('b', id), rec.count('c', id), rec.count('d', id)]).toEqual([1, 2, 1, 2]);
    const steps = Object.fromEntries(done.workflow_steps.map((s) => [s.name, s]));
    expect(steps.a!.results).toEqual({ a: 7 }); // upstream kept
    expect(steps.d!.results).toEqual({ saw_b: { b_run: 2, order: 7 }, run: 2 }); // the new b, not run 1's
    expect(ends.filter((e) => e.task_id === id).map((e) => [e.event, e.run])).toEqual([
      ['task.completed', 1],
      ['task.completed', 2],
    ]);
    expect(done.annotations.map((a) => a.content)).toEqual([{ run: 1 }, { run: 2 }]);
    const bId = steps.b!.workflow_step_id;
    const history = await tasker.getHistory(id, bId);
    const claims = history.filter((h) => h.to_state === 'running');
    expect(claims.map((h) => [h.attempt, h.run])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(history.find((h) => h.to_state === 'pending')).toMatchObject({
      from_state: 'completed',
      actor: 'ops:alice',
      reason: 'rerun from b: fixed b',
      results: { b_run: 1, order: 7 },
    });
  });

  it('refuses a running task, and a patched context the schema rejects', async () => {
    const context = { order_id: 1, hold: true };
    const { task_id: id } = await tasker.submit({ namespace: 'rerun', name: 'diamond', context });
    for (let state = 'pending'; state !== 'running'; await sleep(20)) {
      state = (await tasker.getTask(id))!.workflow_steps[0]!.current_state;
      expect(state).not.toBe('completed');
    }
    await expect(tasker.rerun(id, 'a', { reason: 'too early' })).rejects.toThrow(OperatorActionError);
    await expect(tasker.rerun(id, 'a', { reason: 'too early' })).rejects.toThrow(/it is running/);
    release();
    await tasker.waitForTask(id, { timeoutMs: 20_000 });
    const bad = tasker.rerun(id, 'a', { reason: 'r', contextPatch: { order_id: 'seven' } });
    await expect(bad).rejects.toThrow(InvalidRequestError);
    await expect(bad).rejects.toThrow(/context\.order_id|\/order_id must be integer/);
    await expect(tasker.rerun(id, 'nope', { reason: 'r' })).rejects.toThrow(/has no step named 'nope'/);
    expect((await tasker.getTask(id))!).toMatchObject({ current_state: 'completed', run: 1 });
  });

  it('applies a context patch and plans the task again with it', async () => {
    const first = await tasker.run({ namespace: 'rerun', name: 'diamond', context: { order_id: 3 } });
    const id = first.task_id;
    await tasker.rerun(id, 'a', { reason: 'new order, no c', contextPatch: { order_id: 4, skip_c: true } });
    const done = await tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ current_state: 'completed', run: 2, context: { order_id: 4, skip_c: true } });
    const states = Object.fromEntries(done.workflow_steps.map((s) => [s.name, [s.current_state, s.results]]));
    expect(states).toEqual({
      a: ['completed', { a: 4 }],
      b: ['completed', { b_run: 2, order: 4 }],
      c: ['skipped', null], // the hook disabled it for this context
      d: ['completed', { saw_b: { b_run: 2, order: 4 }, run: 2 }],
    });
    expect(rec.count('c', id)).toBe(1);
  });

  it('reruns in bulk: a dry run counts, then every matching task reruns', async () => {
    const ids: number[] = [];
    for (const order_id of [10, 11, 12]) {
      const t = await tasker.run({ namespace: 'rerun', name: 'diamond', context: { order_id }, tags: ['bulk'] });
      ids.push(t.task_id);
    }
    const other = await tasker.run({ namespace: 'rerun', name: 'single', context: {}, tags: ['bulk'] });
    const filter = { namespace: 'rerun', tag: 'bulk' };
    const dry = await tasker.rerunWhere(filter, 'd', { reason: 'x', dryRun: true, batchSize: 2 });
    expect(dry).toEqual({
      matched: 4,
      rerun: 0,
      task_ids: ids,
      errors: [{ task_id: other.task_id, code: 'not_found', message: expect.stringContaining("no step named 'd'") }],
      dry_run: true,
    });
    expect((await tasker.getTask(ids[0]!))!.run).toBe(1);
    const res = await tasker.rerunWhere(filter, 'd', { reason: 'fixed d', batchSize: 2 });
    expect(res).toMatchObject({ matched: 4, rerun: 3, task_ids: ids, dry_run: false });
    for (const id of ids) {
      const t = await tasker.waitForTask(id, { timeoutMs: 20_000 });
      expect(t).toMatchObject({ current_state: 'completed', run: 2 });
      expect(rec.count('d', id)).toBe(2);
      expect(rec.count('b', id)).toBe(1);
    }
  });
});

describe('step inputs are cached per run', () => {
  it('never serves a context or an upstream result of a past run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasker-rerun-'));
    const store = await openSqliteStore(join(dir, 'tasker.db'));
    try {
      const step = (name: string, depends_on: string[] = []) => ({
        name,
        handler_class: name,
        depends_on,
        retry_limit: 1,
        retryable: true,
        timeout_ms: null,
        skippable: false,
        initial_state: 'pending' as const,
      });
      const { task_id: id } = await store.createTask({
        namespace: 'n',
        name: 't',
        version: '1',
        context: { v: 1 },
        initiator: null,
        source_system: null,
        reason: null,
        tags: [],
        idempotency_key: null,
        correlation_id: 'c',
        steps: [step('a'), step('b', ['a'])],
      });
      const loader = new StepInputLoader(store);
      const ancestors = (c: { name: string }) => (c.name === 'b' ? ['a'] : []);
      const [a1] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      expect((await loader.load([a1!], ancestors)).get(a1!.step_id)!.task.context).toEqual({ v: 1 });
      loader.rememberResult(id, 1, { ...snapshot('a'), results: { old: true } });
      await store.completeSteps([{ type: 'completed', step_id: a1!.step_id, task_id: id, attempt: 1, results: 1 }], {
        workerId: 'w',
      });
      const [b1] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      expect(loader.cached([b1!], ancestors)).not.toBeNull(); // run 1: context and a's result are cached
      await store.completeSteps([{ type: 'completed', step_id: b1!.step_id, task_id: id, attempt: 1, results: 2 }], {
        workerId: 'w',
      });
      await store.rerunFrom(id, a1!.step_id, { reason: 'r', actor: 'ops', contextPatch: { v: 2 } });
      const [a2] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      expect(a2!.task.run).toBe(2);
      expect(loader.cached([a2!], ancestors)).toBeNull(); // run 1's context is not served
      expect((await loader.load([a2!], ancestors)).get(a2!.step_id)!.task.context).toEqual({ v: 2 });
      await store.completeSteps([{ type: 'completed', step_id: a2!.step_id, task_id: id, attempt: 1, results: 3 }], {
        workerId: 'w',
      });
      const [b2] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      expect(loader.cached([b2!], ancestors)).toBeNull(); // nor run 1's result of a
      const inputs = await loader.load([b2!], ancestors);
      expect(inputs.get(b2!.step_id)!.ancestors.map((s) => s.results)).toEqual([3]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function snapshot(name: string) {
  return {
    workflow_step_id: 1,
    name,
    current_state: 'completed' as const,
    results: null,
    attempts: 1,
    error: null,
    started_at: 0,
    completed_at: 0,
    duration: 0,
  };
}
