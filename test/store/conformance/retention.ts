// Conformance: pruning finished tasks (Store.pruneTasks) — which tasks go (state classes, cutoffs by completion time,
// never running ones, never one rerun or retried since), that every row keyed to them goes with them, dry runs,
// batches and max_batches, concurrent prunes, a freed idempotency key, late outcomes of pruned steps, bad requests.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/core/errors.js';
import type { NewStep, PruneRequest, Store, TaskId } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  diamond,
  fail,
  LEASE,
  type MakeStore,
  newTask,
  ok,
  step,
  stepId,
  taskState,
  useStore,
} from './fixtures.js';

const ALL_NOW = { older_than_ms: 0 };

/** Claim and complete every step of namespace `ns` (`failing` steps fail) until nothing is claimable there. */
async function run(store: Store, ns: string, failing: string[] = []): Promise<void> {
  for (let c = await claim(store, 'w1', 100, LEASE, [ns]); c.length > 0; c = await claim(store, 'w1', 100, LEASE, [ns]))
    await complete(
      store,
      c.map((x) => (failing.includes(x.name) ? fail(x) : ok(x))),
    );
}

let serial = 0;
/**
 * A task in a namespace of its own, run to its end (completed, or failed when `failing` names a step), returned once
 * the clock has moved past its end, so that a cutoff of "now" covers it.
 */
async function finished(store: Store, steps: NewStep[] = diamond(), failing: string[] = [], key?: string) {
  serial += 1;
  const ns = `ret${serial}`;
  const id = await create(store, steps, { namespace: ns, ...(key ? { idempotency_key: key } : {}) });
  await run(store, ns, failing);
  await after(await completedAt(store, id));
  return { id, ns };
}

async function completedAt(store: Store, id: TaskId): Promise<number> {
  const t = await store.getTask(id);
  if (!t?.completed_at) throw new Error(`task ${id} has not finished`);
  return t.completed_at;
}

/** Wait (never assert on time) until a task finished now would finish after `at` by the store's clock. */
async function after(at: number): Promise<void> {
  while (Date.now() <= at + 1) await new Promise((r) => setTimeout(r, 2));
}

const prune = (store: Store, req: Partial<PruneRequest>) =>
  store.pruneTasks({ cutoffs: { completed: ALL_NOW }, batch_size: 500, ...req });

export function retentionTests(makeStore: MakeStore): void {
  describe('pruneTasks', () => {
    const store = useStore(makeStore);

    it('deletes a completed task with its steps, edges, history and annotations, and nothing else', async () => {
      const a = await finished(store());
      await store().addAnnotation(a.id, 'note', { kept: false });
      const history = await store().getHistory(a.id);
      const failed = await finished(store(), [step('x')], ['x']);
      const running = await create(store(), [step('r')], { namespace: 'ret_running' });
      const res = await prune(store(), {});
      expect(res).toMatchObject({
        dry_run: false,
        tasks: 1,
        tasks_by_state: { completed: 1 },
        steps: 4,
        step_edges: 4,
        transitions: history.length,
        annotations: 1,
        batches: 1,
        more: false,
      });
      expect(history.length).toBeGreaterThan(8);
      expect(await store().getTask(a.id)).toBeNull();
      expect(await store().getHistory(a.id)).toEqual([]);
      expect(await store().history.getHistoryPage(a.id, { limit: 100 })).toEqual([]);
      expect((await store().history.historySince(0, 5000)).filter((r) => r.task_id === a.id)).toEqual([]);
      expect((await store().listTasks({ limit: 100 })).tasks.map((t) => t.task_id).sort()).toEqual(
        [failed.id, running].sort(),
      );
      expect(await taskState(store(), failed.id)).toBe('failed');
      expect(await taskState(store(), running)).toBe('running');
      const stats = await store().stats();
      expect(stats.tasks_by_state.completed ?? 0).toBe(0);
      expect(stats.steps_by_state.completed ?? 0).toBe(0);
    });

    it('prunes each class only by its own cutoff and never a running task', async () => {
      const done = await finished(store(), [step('a')]);
      const failed = await finished(store(), [step('a')], ['a']);
      const cancelled = await create(store(), [step('a')], { namespace: 'ret_cancel' });
      await store().cancelTask(cancelled, 'ops');
      await after(await completedAt(store(), cancelled));
      const running = await create(store(), [step('a'), step('b', ['a'])], { namespace: 'ret_run' });
      const [a] = await claim(store(), 'w1', 100, LEASE, ['ret_run']);
      await complete(store(), [ok(a!)]);

      const far = { older_than_ms: 86_400_000 };
      const none = await store().pruneTasks({
        cutoffs: { completed: far, failed: far, cancelled: far },
        batch_size: 10,
      });
      expect(none).toMatchObject({ tasks: 0, tasks_by_state: {}, batches: 0, more: false });

      const onlyFailed = await store().pruneTasks({ cutoffs: { failed: ALL_NOW }, batch_size: 10 });
      expect(onlyFailed).toMatchObject({ tasks: 1, tasks_by_state: { failed: 1 } });
      expect(Object.keys(onlyFailed.cutoffs)).toEqual(['failed']);
      expect(await store().getTask(failed.id)).toBeNull();

      const onlyCancelled = await store().pruneTasks({ cutoffs: { cancelled: ALL_NOW }, batch_size: 10 });
      expect(onlyCancelled).toMatchObject({ tasks: 1, tasks_by_state: { cancelled: 1 } });

      const everything = await store().pruneTasks({
        cutoffs: { completed: ALL_NOW, failed: ALL_NOW, cancelled: ALL_NOW },
        batch_size: 10,
      });
      expect(everything).toMatchObject({ tasks: 1, tasks_by_state: { completed: 1 } });
      expect(await store().getTask(done.id)).toBeNull();
      expect(await taskState(store(), running)).toBe('running');
    });

    it('keeps a task that finished after the cutoff (by the store clock)', async () => {
      const old = await finished(store());
      const cutoff = (await completedAt(store(), old.id)) + 1;
      await after(cutoff);
      const recent = await finished(store());
      expect(await completedAt(store(), recent.id)).toBeGreaterThanOrEqual(cutoff);
      const res = await store().pruneTasks({ cutoffs: { completed: { before: cutoff } }, batch_size: 10 });
      expect(res).toMatchObject({ tasks: 1, cutoffs: { completed: cutoff } });
      expect(await store().getTask(old.id)).toBeNull();
      expect(await taskState(store(), recent.id)).toBe('completed');
    });

    it('keeps a task rerun or retried since the cutoff, running or finished again', async () => {
      const rerun = await finished(store());
      const retried = await finished(store(), [step('a'), step('b', ['a'])], ['a']);
      const cutoff = Math.max(await completedAt(store(), rerun.id), await completedAt(store(), retried.id)) + 1;
      await after(cutoff);
      await store().rerunFrom(rerun.id, await stepId(store(), rerun.id, 'b'), { reason: 'again', actor: 'ops' });
      await store().operate({
        type: 'retry_step',
        task_id: retried.id,
        step_id: await stepId(store(), retried.id, 'a'),
        actor: 'ops',
      });
      const cutoffs = { completed: { before: cutoff }, failed: { before: cutoff } };
      expect(await store().pruneTasks({ cutoffs, batch_size: 10 })).toMatchObject({ tasks: 0 });
      expect(await store().pruneTasks({ cutoffs, batch_size: 10, dry_run: true })).toMatchObject({ tasks: 0 });
      await run(store(), rerun.ns);
      await run(store(), retried.ns);
      await after(Math.max(await completedAt(store(), rerun.id), await completedAt(store(), retried.id)));
      expect(await taskState(store(), rerun.id)).toBe('completed');
      expect(await taskState(store(), retried.id)).toBe('completed');
      expect(await store().pruneTasks({ cutoffs, batch_size: 10 })).toMatchObject({ tasks: 0 });
      const now = await store().pruneTasks({ cutoffs: { completed: ALL_NOW }, batch_size: 10 });
      expect(now).toMatchObject({ tasks: 2 });
    });

    it('dry run counts tasks and steps as a prune would delete them, and deletes nothing', async () => {
      await finished(store());
      await finished(store(), [step('a')]);
      await finished(store(), [step('a'), step('b')], ['a']);
      const cutoffs = { completed: ALL_NOW, failed: ALL_NOW };
      const dry = await store().pruneTasks({ cutoffs, batch_size: 1, dry_run: true });
      expect(dry).toMatchObject({
        dry_run: true,
        tasks: 3,
        tasks_by_state: { completed: 2, failed: 1 },
        steps: 7,
        step_edges: null,
        transitions: null,
        annotations: null,
        batches: 0,
        more: false,
      });
      expect((await store().listTasks({})).tasks).toHaveLength(3);
      const real = await store().pruneTasks({ cutoffs, batch_size: 1 });
      expect(real).toMatchObject({ dry_run: false, tasks: 3, tasks_by_state: dry.tasks_by_state, steps: 7 });
      expect((await store().listTasks({})).tasks).toHaveLength(0);
    });

    it('works in batches of batch_size, oldest first, and stops after max_batches saying there is more', async () => {
      const ids: TaskId[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await finished(store(), [step('a')])).id);
      const first = await prune(store(), { batch_size: 2, max_batches: 2 });
      expect(first).toMatchObject({ tasks: 4, batches: 2, more: true });
      expect(typeof first.resume).toBe('string');
      const left = (await store().listTasks({})).tasks.map((t) => t.task_id);
      expect(left).toEqual([ids[4]]);
      const rest = await prune(store(), {
        batch_size: 2,
        max_batches: 2,
        cutoffs: { completed: { before: first.cutoffs.completed! } },
        resume: first.resume,
      });
      expect(rest).toMatchObject({ tasks: 1, batches: 1, more: false, resume: null });
      expect(await prune(store(), { batch_size: 2 })).toMatchObject({ tasks: 0, batches: 0, more: false });
    });

    it('goes on where a call stopped when given its resume, across states, and misses no task', async () => {
      for (let i = 0; i < 3; i += 1) await finished(store(), [step('a')]);
      for (let i = 0; i < 2; i += 1) await finished(store(), [step('a')], ['a']);
      const base = { cutoffs: { completed: ALL_NOW, failed: ALL_NOW }, batch_size: 1, max_batches: 1 };
      let resume: string | null = null;
      const deleted: number[] = [];
      for (let calls = 0; calls < 20; calls += 1) {
        const r = await store().pruneTasks({ ...base, resume });
        deleted.push(r.tasks);
        if (!r.more) break;
        resume = r.resume;
      }
      expect(deleted.reduce((a, b) => a + b, 0)).toBe(5);
      expect(deleted.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
      expect((await store().listTasks({})).tasks).toEqual([]);
    });

    it('shares the work between concurrent prunes: every task deleted once', async () => {
      for (let i = 0; i < 12; i += 1) await finished(store(), [step('a'), step('b', ['a'])]);
      const results = await Promise.all([1, 2, 3].map(() => prune(store(), { batch_size: 2 })));
      expect(results.reduce((n, r) => n + r.tasks, 0)).toBe(12);
      expect(results.reduce((n, r) => n + (r.step_edges ?? 0), 0)).toBe(12);
      expect((await store().listTasks({})).tasks).toEqual([]);
    });

    it("frees a pruned task's idempotency key", async () => {
      const first = await finished(store(), [step('a')], [], 'order-42');
      await prune(store(), {});
      const again = await store().createTask(newTask([step('a')], { idempotency_key: 'order-42' }));
      expect(again.created).toBe(true);
      expect(again.task_id).not.toBe(first.id);
      expect(await store().findTaskByIdempotencyKey('order-42')).toBe(again.task_id);
    });

    it('reports the late outcome of a pruned cancelled task as stale, and its lease as lost', async () => {
      const id = await create(store(), [step('a')], { namespace: 'ret_late' });
      const [a] = await claim(store(), 'w1', 100, LEASE, ['ret_late']);
      await store().cancelTask(id, 'ops');
      await after(await completedAt(store(), id));
      expect(await store().pruneTasks({ cutoffs: { cancelled: ALL_NOW }, batch_size: 10 })).toMatchObject({ tasks: 1 });
      const late = await complete(store(), [ok(a!)]);
      expect(late.stale).toEqual([a!.step_id]);
      expect(late.applied).toEqual([]);
      expect(await store().extendLeases('w1', [a!.step_id], LEASE)).toEqual({ lost: [a!.step_id] });
    });

    it('refuses bad requests, naming the field', async () => {
      const bad: Array<[unknown, RegExp]> = [
        [{ cutoffs: {}, batch_size: 10 }, /cutoffs must name at least one of completed, failed, cancelled/],
        [{ cutoffs: { done: ALL_NOW }, batch_size: 10 }, /unknown cutoff 'done'/],
        [{ cutoffs: { failed: {} }, batch_size: 10 }, /cutoffs.failed must be \{ older_than_ms \} or \{ before \}/],
        [{ cutoffs: { failed: { older_than_ms: -1 } }, batch_size: 10 }, /older_than_ms must be .* >= 0, got -1/],
        [{ cutoffs: { failed: { before: Number.NaN } }, batch_size: 10 }, /before must be a time/],
        [{ cutoffs: { failed: ALL_NOW }, batch_size: 0 }, /batch_size must be a whole number from 1 to 10000, got 0/],
        [{ cutoffs: { failed: ALL_NOW }, batch_size: 10, max_batches: 0 }, /max_batches must be a whole number/],
        [{ cutoffs: { failed: ALL_NOW }, batch_size: 10, resume: 'x' }, /resume must be the resume of a previous call/],
        [
          { cutoffs: { failed: ALL_NOW }, batch_size: 10, resume: '{"state":"completed","after":1}' },
          /with the same cutoffs/,
        ],
        [{ cutoffs: { failed: ALL_NOW }, batch_size: 10, resume: 5 }, /resume must be the resume string/],
      ];
      for (const [req, message] of bad) {
        const err = await store()
          .pruneTasks(req as PruneRequest)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidRequestError);
        expect((err as Error).message).toMatch(message);
      }
    });
  });
}
