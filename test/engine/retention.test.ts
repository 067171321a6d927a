// Retention through the engine, on both stores: Tasker.prune with ages and dates (batches, progress, a dry run, a freed
// idempotency key, refusals naming the option), and the retention policy of Tasker.open pruning finished tasks while
// the engine runs steps, and never a task that is still running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { InvalidRequestError, isTaskerError, PermanentError } from '../../src/core/errors.js';
import type { PruneResult } from '../../src/core/store-contract.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, sleep } from '../support/engine.js';
import { waitFor } from '../store/conformance/fixtures.js';

const pair = defineTask({
  name: 'pair',
  namespace_name: 'retention',
  version: '1.0.0',
  module_namespace: 'Ret',
  schema: { type: 'object', properties: { fail: { type: 'boolean' }, hold: { type: 'boolean' } } },
  step_templates: [{ name: 'first' }, { name: 'second', depends_on_step: 'first' }],
});

let release: () => void = () => undefined;
const handlers = {
  'Ret::FirstHandler': async (task: { context: { fail?: boolean; hold?: boolean } }) => {
    if (task.context.fail) throw new PermanentError('no');
    if (task.context.hold) await new Promise<void>((r) => (release = r));
    return { ok: 1 };
  },
  'Ret::SecondHandler': async () => ({ ok: 2 }),
};

describe.each(STORE_KINDS)('retention on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker | null = null;
  beforeEach(() => {
    db = make();
  });
  afterEach(async () => {
    release();
    await tasker?.close();
    tasker = null;
    await db.cleanup();
  });

  async function open(options = {}): Promise<Tasker> {
    tasker = await openTestEngine(db, { templates: [pair], handlers, ...options });
    return tasker;
  }

  const run = (t: Tasker, context: Record<string, unknown> = {}, key?: string) =>
    t.run({ namespace: 'retention', name: 'pair', context, ...(key ? { idempotency_key: key } : {}) });

  it('prunes by age and by date, in batches with progress, and counts in a dry run', async () => {
    const t = await open();
    for (let i = 0; i < 3; i += 1) await run(t);
    await run(t, { fail: true });
    await sleep(5);
    expect(await t.prune({ completedBefore: '2000-01-01', failedBefore: '2000-01-01T00:00:00Z' })).toMatchObject({
      tasks: 0,
    });
    const dry = await t.prune({ completedBefore: 0, failedBefore: '0s', dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, tasks: 4, tasks_by_state: { completed: 3, failed: 1 }, steps: 8 });
    const progress: PruneResult[] = [];
    const res = await t.prune({ completedBefore: '0ms', batchSize: 2, onBatch: (p) => progress.push(p) });
    expect(res).toMatchObject({ dry_run: false, tasks: 3, steps: 6, step_edges: 3, batches: 2, more: false });
    expect(progress.map((p) => p.tasks)).toEqual([2, 3]);
    expect(progress[1]!.cutoffs.completed).toBe(progress[0]!.cutoffs.completed);
    expect((await t.listTasks()).tasks.map((x) => x.current_state)).toEqual(['failed']);
    const failed = await t.prune({ failedBefore: new Date(Date.now() + 60_000), maxBatches: 1, batchSize: 1 });
    expect(failed).toMatchObject({ tasks: 1, tasks_by_state: { failed: 1 }, more: true });
    const after = await t.prune({ failedBefore: '0s', resume: failed.resume });
    expect(after).toMatchObject({ tasks: 0, more: false, resume: null });
  });

  it("frees a pruned task's idempotency key: the same request creates a new task", async () => {
    const t = await open();
    const first = await run(t, {}, 'invoice-7');
    await sleep(5);
    await t.prune({ completedBefore: '0s' });
    const again = await t.submit({ namespace: 'retention', name: 'pair', context: {}, idempotency_key: 'invoice-7' });
    expect(again.task_id).not.toBe(first.task_id);
    expect(again.created).toBe(true);
  });

  it('refuses bad cutoffs and counts, naming the option', async () => {
    const t = await open();
    const cases: Array<[Parameters<Tasker['prune']>[0], RegExp]> = [
      [{}, /at least one of completedBefore, failedBefore, cancelledBefore/],
      [{ completedBefore: 'yesterday' }, /^completedBefore must be a duration such as 30d.*; got 'yesterday'$/],
      [{ failedBefore: '30' }, /^failedBefore must be .*; got '30'$/],
      [{ cancelledBefore: -1 }, /^cancelledBefore must be .*; got -1$/],
      [{ completedBefore: new Date('nope') }, /^completedBefore must be/],
      [{ completedBefore: '1d', batchSize: 0 }, /^batchSize must be a whole number from 1 to 10000; got 0$/],
      [{ completedBefore: '1d', maxBatches: 1.5 }, /^maxBatches must be a whole number/],
    ];
    for (const [options, message] of cases) {
      const err = await t.prune(options).catch((e: unknown) => e as Error);
      expect(err, JSON.stringify(options)).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('the retention policy prunes finished tasks while the engine runs, and keeps a running one', async () => {
    const t = await open({ retention: { completed: '0s', failed: 0, intervalMs: 1000 } });
    const held = await t.submit({ namespace: 'retention', name: 'pair', context: { hold: true } });
    const done = await run(t);
    const failed = await run(t, { fail: true });
    await waitFor(async () => (await t.getTask(done.task_id)) === null, 'the completed task pruned');
    await waitFor(async () => (await t.getTask(failed.task_id)) === null, 'the failed task pruned');
    expect((await t.getTask(held.task_id))?.current_state).toBe('running');
    release();
    await t.waitForTask(held.task_id);
    await waitFor(async () => (await t.getTask(held.task_id)) === null, 'the held task pruned once finished');
  });
});

describe('the retention option of Tasker.open', () => {
  it.each([
    [{}, /^retention must be an object naming at least one of completed, failed, cancelled; got \{\}$/],
    [{ completed: '30 days' }, /^retention.completed must be a duration such as 30d.*; got '30 days'$/],
    [{ completd: '1d' }, /^unknown option retention.completd \(did you mean 'completed'\?\)$/],
    [{ completed: '1d', intervalMs: 10 }, /^retention.intervalMs must be a whole number of milliseconds from 1000/],
    [{ failed: '1d', batchSize: 20_000 }, /^retention.batchSize must be a whole number from 1 to 10000; got 20000$/],
    ['30d', /^retention must be an object such as/],
  ])('refuses %j', async (retention, message) => {
    const err = await openTestEngine(
      { url: 'sqlite::memory:', cleanup: async () => undefined },
      {
        retention: retention as never,
      },
    ).catch((e: unknown) => e as Error);
    expect(isTaskerError(err) && err.code).toBe('invalid_option');
    expect((err as Error).message).toMatch(message);
  });
});
