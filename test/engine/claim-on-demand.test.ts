// When the dispatch loop asks the store to claim (dispatcher.ts): a completion batch claims only when steps may be
// waiting (a wake-up since the last short claim, or the last claim came back full) or one of its outcomes may ready a
// step (a dependent, a concurrency slot handed on); and a wake-up that arrives while a claim is in flight is never
// lost when that claim comes back short. The poll timer is an hour here, so only wake-ups and claims move work.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { Tasker } from '../../src/engine/tasker.js';
import { openStore } from '../../src/store/open-store.js';
import type { ClaimRequest, CompleteOptions, ClaimedStep, Store, StepOutcome } from '../../src/core/store-contract.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { waitFor } from '../store/conformance/fixtures.js';

const NS = 'on_demand';
const leaf = defineTask({
  name: 'leaf',
  namespace_name: NS,
  version: '1.0.0',
  module_namespace: 'OnDemand',
  step_templates: [{ name: 'only' }],
});
const pair = defineTask({
  name: 'pair',
  namespace_name: NS,
  version: '1.0.0',
  module_namespace: 'OnDemand',
  step_templates: [{ name: 'first' }, { name: 'second', depends_on_step: 'first' }],
});
const gated = defineTask({
  name: 'gated',
  namespace_name: NS,
  version: '1.0.0',
  module_namespace: 'OnDemand',
  concurrency: { key: 'context.account', limit: 1 },
  step_templates: [{ name: 'turn' }],
});
const parent = defineTask({
  name: 'parent',
  namespace_name: NS,
  version: '1.0.0',
  module_namespace: 'OnDemand',
  step_templates: [{ name: 'child', subtask: { namespace: NS, name: 'late' } }],
});
/** A sub-workflow's child whose one step finishes only after its parent's step has parked (see `parked`). */
const late = defineTask({
  name: 'late',
  namespace_name: NS,
  version: '1.0.0',
  module_namespace: 'OnDemand',
  step_templates: [{ name: 'wait_parent' }],
});
let parked: Promise<void> = Promise.resolve();
let childTask: number | null = null;
const handlers = {
  'OnDemand::OnlyHandler': () => ({ ok: true }),
  'OnDemand::FirstHandler': () => ({ ok: true }),
  'OnDemand::SecondHandler': () => ({ ok: true }),
  'OnDemand::TurnHandler': () => ({ ok: true }),
  'OnDemand::WaitParentHandler': async (task: { task_id: number }) => {
    childTask = task.task_id;
    await parked;
    return { ok: true };
  },
};

/** The real store, with each completion call's step ids and claim request kept, and a hook after a claim. */
function watched(store: Store) {
  const completions: Array<{ steps: number[]; claimed: boolean }> = [];
  let recordedPark!: () => void;
  parked = new Promise<void>((resolve) => (recordedPark = resolve));
  const hooks: { afterEmptyClaim: (() => Promise<void>) | null } = { afterEmptyClaim: null };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'completeSteps') {
        return (outcomes: StepOutcome[], opts: CompleteOptions) => {
          completions.push({ steps: outcomes.map((o) => o.step_id), claimed: opts.claim !== undefined });
          const done = target.completeSteps(outcomes, opts);
          if (outcomes.some((o) => o.type === 'park')) void done.then(recordedPark, () => undefined);
          return done;
        };
      }
      if (prop === 'claimSteps') {
        return async (req: ClaimRequest): Promise<ClaimedStep[]> => {
          const claimed = await target.claimSteps(req);
          const hook = hooks.afterEmptyClaim;
          if (hook && claimed.length === 0) {
            hooks.afterEmptyClaim = null;
            await hook();
          }
          return claimed;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  /** Whether the completion that recorded `stepId` also asked to claim. */
  const claimedWith = (stepId: number) => {
    const call = completions.find((c) => c.steps.includes(stepId));
    if (!call) throw new Error(`no completion recorded step ${stepId}`);
    return call.claimed;
  };
  return { proxy, completions, hooks, claimedWith };
}

describe.each(STORE_KINDS)('claims on demand on $kind', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  let producer: Tasker | undefined;
  let store: Store | undefined;

  afterEach(async () => {
    await tasker?.close();
    await producer?.close();
    await store?.close();
    await db?.cleanup();
    tasker = producer = store = db = undefined;
  });

  async function open(w: ReturnType<typeof watched>, start = true, extra = [parent, late]): Promise<Tasker> {
    tasker = await Tasker.open({
      db: w.proxy,
      logger: silentLogger(),
      pollIntervalMs: 3_600_000,
      concurrency: 4,
      templates: [leaf, pair, gated, ...extra],
      handlers,
      start,
    });
    return tasker;
  }

  const stepId = async (t: Tasker, taskId: number, name: string) =>
    (await t.getTask(taskId))!.workflow_steps.find((s) => s.name === name)!.workflow_step_id;

  it('asks no claim of a completion that can ready nothing, and one of a completion that readies a step', async () => {
    db = make();
    store = await openStore(db.url, { logger: silentLogger() });
    const w = watched(store);
    const t = await open(w, true, []);
    // Submitted by another engine (no worker): the store's wake-up (NOTIFY, or SQLite's data version) is the only
    // one the worker gets for each task, so nothing else is waiting when its step finishes.
    producer = await Tasker.open({ db: db.url, logger: silentLogger(), concurrency: 0, templates: [leaf, pair] });
    const one = await producer.submit({ namespace: NS, name: 'leaf', context: {} });
    expect((await t.waitForTask(one.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');
    const two = await producer.submit({ namespace: NS, name: 'pair', context: {} });
    expect((await t.waitForTask(two.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');

    // Nothing was waiting when the leaf finished, and finishing it readies nothing: an empty claim would be wasted.
    expect(w.claimedWith(await stepId(t, one.task_id, 'only'))).toBe(false);
    // `first` readies `second`: its completion claims it in the same transaction.
    expect(w.claimedWith(await stepId(t, two.task_id, 'first'))).toBe(true);
    expect(w.claimedWith(await stepId(t, two.task_id, 'second'))).toBe(false);
  });

  it('claims with the completion of a task that hands its concurrency slot on', async () => {
    db = make();
    store = await openStore(db.url, { logger: silentLogger() });
    const w = watched(store);
    const t = await open(w);
    const [a, b] = await t.submitMany([
      { namespace: NS, name: 'gated', context: { account: 'acme' } },
      { namespace: NS, name: 'gated', context: { account: 'acme' } },
    ]);
    for (const r of [a!, b!]) {
      expect((await t.waitForTask(r.task_id, { timeoutMs: 30_000 })).current_state).toBe('completed');
    }
    expect(w.claimedWith(await stepId(t, a!.task_id, 'turn'))).toBe(true);
  });

  it("wakes a sub-workflow's parent step with the completion that finishes the child", async () => {
    db = make();
    store = await openStore(db.url, { logger: silentLogger() });
    const w = watched(store);
    const t = await open(w);
    const { task_id } = await t.submit({ namespace: NS, name: 'parent', context: {} });
    // The child's one step readies nothing in its own task and finishes once the parent's step has parked: the
    // completion that finishes the child readies the parent's step, and must claim it (no poll comes for an hour).
    await parked;
    await waitFor(async () => childTask !== null, 'the child to start');
    expect((await t.waitForTask(childTask!, { timeoutMs: 30_000 })).current_state).toBe('completed');
    // The loop goes idle only once nothing is held: by then the parent's step must have been claimed and run.
    await t.idle();
    expect((await t.getTask(task_id))!.current_state).toBe('completed');
  });

  it('keeps a wake-up that arrives while a claim finds nothing', async () => {
    db = make();
    store = await openStore(db.url, { logger: silentLogger() });
    const w = watched(store);
    const t = await open(w, false);
    let submitted: number | null = null;
    let hookRan!: () => void;
    const ran = new Promise<void>((resolve) => (hookRan = resolve));
    // The first claim after start finds nothing; before it returns, a task is submitted (which wakes the loop).
    w.hooks.afterEmptyClaim = async () => {
      submitted = (await t.submit({ namespace: NS, name: 'leaf', context: {} })).task_id;
      hookRan();
    };
    await t.start();
    await ran;
    // The loop goes idle only once nothing is held: the woken claim must have run the task by then.
    await t.idle();
    expect(submitted).not.toBeNull();
    expect((await t.getTask(submitted!))!.current_state).toBe('completed');
  });
});
