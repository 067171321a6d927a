// Conformance: rerun from a step (Store.rerunFrom) — which steps return to pending, counters and readiness after the
// reset, the run number on the task, the claims, the finalisation and the history, skipped descendants (routing,
// bypass, the planning hook), context patches, and every refusal.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError, OperatorActionError } from '../../../src/core/errors.js';
import type { Store } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  diamond,
  drain,
  fail,
  type MakeStore,
  moves,
  names,
  ok,
  step,
  stepId,
  stepStates,
  taskState,
  useStore,
} from './fixtures.js';

const RERUN = { reason: 'bug fixed in b', actor: 'ops:alice' };

/** A completed diamond a -> (b, c) -> d, each step's results `{ ok: name }`. */
async function completedDiamond(store: Store): Promise<number> {
  const id = await create(store, diamond());
  await drain(store);
  expect(await taskState(store, id)).toBe('completed');
  return id;
}

export function rerunTests(makeStore: MakeStore): void {
  describe('rerunFrom', () => {
    const store = useStore(makeStore);

    it('reruns a completed diamond from its middle step: that step and its descendants, once, at run 2', async () => {
      const id = await completedDiamond(store());
      const b = await stepId(store(), id, 'b');
      const res = await store().rerunFrom(id, b, RERUN);
      const d = await stepId(store(), id, 'd');
      expect(res).toEqual({
        task_id: id,
        run: 2,
        task_state: 'running',
        reset_step_ids: [b, d],
        kept_skipped_step_ids: [],
        replan: false,
      });
      const task = (await store().getTask(id))!;
      expect(task).toMatchObject({ current_state: 'running', run: 2, completed_at: null });
      const byName = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s]));
      expect(byName.a).toMatchObject({ current_state: 'completed', results: { ok: 'a' }, attempts: 1 });
      expect(byName.c).toMatchObject({ current_state: 'completed', results: { ok: 'c' } });
      expect(byName.b).toMatchObject({ current_state: 'pending', results: null, attempts: 0, completed_at: null });
      expect(byName.d).toMatchObject({ current_state: 'pending', results: null, attempts: 0 });

      const [again] = await claim(store());
      expect(await claim(store())).toEqual([]); // d waits for b
      expect(again).toMatchObject({ name: 'b', attempt: 1, task: { task_id: id, run: 2 }, task_started: false });
      const first = await complete(store(), [ok(again!, { ok: 'b2' })]);
      expect(first.finalized).toEqual([]);
      const [last] = await claim(store());
      expect(last).toMatchObject({ name: 'd', task: { run: 2 } });
      const done = await complete(store(), [ok(last!, { ok: 'd2' })]);
      expect(done.finalized).toMatchObject([{ task_id: id, state: 'completed', run: 2 }]);
      expect((await store().getTask(id))!).toMatchObject({ current_state: 'completed', run: 2 });

      const history = await store().getHistory(id);
      expect(moves(history, null)).toEqual([
        'pending>running',
        'running>completed',
        'completed>running',
        'running>completed',
      ]);
      expect(moves(history, 'b')).toEqual([
        'pending>running',
        'running>completed',
        'completed>pending',
        'pending>running',
        'running>completed',
      ]);
      expect(moves(history, 'a')).toEqual(['pending>running', 'running>completed']);
      const reset = history.find((h) => h.step_name === 'b' && h.to_state === 'pending')!;
      expect(reset).toMatchObject({
        from_state: 'completed',
        actor: 'ops:alice',
        reason: 'rerun from b: bug fixed in b',
        attempt: 1,
        run: 2,
        results: { ok: 'b' },
      });
      const restart = history.find((h) => h.step_id === null && h.from_state === 'completed')!;
      expect(restart).toMatchObject({ to_state: 'running', actor: 'ops:alice', run: 2 });
      // every row before the rerun is run 1, every row from it on run 2
      const at = history.indexOf(restart);
      expect(history.slice(0, at).every((h) => h.run === 1)).toBe(true);
      expect(history.slice(at).every((h) => h.run === 2)).toBe(true);
      expect((await store().getHistory(id, b)).map((h) => h.run)).toEqual([1, 1, 2, 2, 2]);
      // history pages (the dashboard's and the stream's reads by id) give each row the same run
      const paged = await store().history.getHistoryPage(id, { limit: 1000 });
      expect(paged.map((h) => h.run)).toEqual(history.map((h) => h.run));
      expect(history.filter((h) => h.to_state !== 'pending').every((h) => h.results === null)).toBe(true);
    });

    it('downstream: false reruns the step alone; its completed children wait for it, then the task completes', async () => {
      const id = await completedDiamond(store());
      const b = await stepId(store(), id, 'b');
      const res = await store().rerunFrom(id, b, { ...RERUN, downstream: false });
      expect(res.reset_step_ids).toEqual([b]);
      expect(await stepStates(store(), id)).toEqual({ a: 'completed', b: 'pending', c: 'completed', d: 'completed' });
      const results = await drain(store());
      expect(results.flatMap((r) => r.finalized)).toMatchObject([{ task_id: id, state: 'completed', run: 2 }]);
      expect(results.flatMap((r) => r.applied)).toEqual([b]);
      const d = (await store().getTask(id))!.workflow_steps.find((s) => s.name === 'd')!;
      expect(d).toMatchObject({ current_state: 'completed', results: { ok: 'd' }, attempts: 1 });
    });

    it('reruns a failed task from its failed step with the steps behind it, and again at run 3', async () => {
      const id = await create(store(), [step('a'), step('b', ['a']), step('c')]);
      const roots = await claim(store());
      await complete(
        store(),
        roots.map((c) => (c.name === 'a' ? fail(c, 'boom') : ok(c))),
      );
      expect(await taskState(store(), id)).toBe('failed');
      const a = await stepId(store(), id, 'a');
      const res = await store().rerunFrom(id, a, RERUN);
      expect(res.run).toBe(2);
      expect(res.reset_step_ids).toEqual([a, await stepId(store(), id, 'b')]);
      expect(await stepStates(store(), id)).toEqual({ a: 'pending', b: 'pending', c: 'completed' });
      const history = await store().getHistory(id);
      const reset = history.find((h) => h.step_name === 'a' && h.to_state === 'pending')!;
      expect(reset).toMatchObject({ from_state: 'failed', attempt: 1, run: 2 });
      expect(history.some((h) => h.step_name === 'b' && h.to_state === 'pending')).toBe(false); // b never ran
      await drain(store());
      expect(await taskState(store(), id)).toBe('completed');
      expect((await store().rerunFrom(id, a, RERUN)).run).toBe(3);
      const results = await drain(store());
      expect(results.flatMap((r) => r.finalized)).toMatchObject([{ task_id: id, state: 'completed', run: 3 }]);
    });

    it('refuses a task that is not completed or failed, unknown tasks and steps, and blocked steps', async () => {
      const running = await create(store(), linear3());
      const a = await stepId(store(), running, 'a');
      await expect(store().rerunFrom(running, a, RERUN)).rejects.toThrow(OperatorActionError);
      await expect(store().rerunFrom(running, a, RERUN)).rejects.toThrow(/running; only completed or failed/);
      await store().cancelTask(running, 'ops');
      await expect(store().rerunFrom(running, a, RERUN)).rejects.toThrow(/cancelled; only completed or failed/);
      await expect(store().rerunFrom(999_999, a, RERUN)).rejects.toThrow(NotFoundError);
      const done = await completedDiamond(store());
      await expect(store().rerunFrom(done, 999_999, RERUN)).rejects.toThrow(NotFoundError);
      await expect(store().rerunFrom(done, a, RERUN)).rejects.toThrow(NotFoundError); // a step of another task
      await expect(
        store().rerunFrom(done, await stepId(store(), done, 'b'), { ...RERUN, reason: ' ' }),
      ).rejects.toThrow(InvalidRequestError);
      // a failed task whose step b sits behind the failed a: b cannot run, so it cannot be rerun alone
      const failed = await create(store(), [step('a'), step('b', ['a']), step('c')]);
      await complete(
        store(),
        (await claim(store())).map((c) => (c.name === 'a' ? fail(c) : ok(c))),
      );
      const b = await stepId(store(), failed, 'b');
      await expect(store().rerunFrom(failed, b, RERUN)).rejects.toThrow(/upstream step\(s\) "a" \(failed\)/);
      expect(await taskState(store(), failed)).toBe('failed');
      expect(await taskState(store(), done)).toBe('completed');
    });

    it('replans routed-away descendants of a rerun router; keeps those routed away by a step that does not rerun', async () => {
      // roots r and x; r routes y away; j joins x and y
      const id = await create(store(), [step('r'), step('x'), step('y', ['r', 'x']), step('j', ['x', 'y'])]);
      const roots = await claim(store());
      await complete(
        store(),
        roots.map((c) => (c.name === 'r' ? ok(c, { ok: 'r' }, ['y']) : ok(c))),
      );
      await drain(store());
      expect(await stepStates(store(), id)).toEqual({ r: 'completed', x: 'completed', y: 'skipped', j: 'completed' });
      const [r, x, y, j] = await Promise.all(['r', 'x', 'y', 'j'].map((n) => stepId(store(), id, n)));
      const fromX = await store().rerunFrom(id, x!, RERUN);
      expect(fromX).toMatchObject({ reset_step_ids: [x, j], kept_skipped_step_ids: [y], replan: false });
      expect(await stepStates(store(), id)).toEqual({ r: 'completed', x: 'pending', y: 'skipped', j: 'pending' });
      await drain(store());
      expect(await taskState(store(), id)).toBe('completed');
      const fromR = await store().rerunFrom(id, r!, RERUN);
      expect(fromR).toMatchObject({ reset_step_ids: [r, y, j], kept_skipped_step_ids: [] });
      expect(names(await claim(store()))).toEqual(['r']);
      expect(await stepStates(store(), id)).toMatchObject({ y: 'pending', j: 'pending' });
    });

    it('keeps bypassed and foreign-routed skips, replans hook-disabled descendants', async () => {
      const id = await create(store(), [
        step('a'),
        step('p', ['a'], { initial_state: 'skipped', skip_reason: 'bypassed by request' }),
        step('h', ['a'], { initial_state: 'skipped', skip_reason: 'disabled by task handler' }),
        step('z', ['p', 'h']),
      ]);
      await drain(store());
      expect(await taskState(store(), id)).toBe('completed');
      const res = await store().rerunFrom(id, await stepId(store(), id, 'a'), RERUN);
      expect(res.kept_skipped_step_ids).toEqual([await stepId(store(), id, 'p')]);
      expect(res.replan).toBe(true);
      expect(await stepStates(store(), id)).toEqual({ a: 'pending', p: 'skipped', h: 'pending', z: 'pending' });
      const [a] = await claim(store());
      expect(a).toMatchObject({ name: 'a', needs_plan: true, task: { run: 2 } });
      expect((await store().getTask(id))!.planned).toBe(false);
    });

    it('applies a context patch (a JSON merge patch) and records it; refuses a stale expected run', async () => {
      const id = await create(store(), diamond(), { context: { order: { id: 7, total: 10 }, note: 'x' } });
      await drain(store());
      const b = await stepId(store(), id, 'b');
      await expect(
        store().rerunFrom(id, b, { ...RERUN, contextPatch: { note: null }, expectedRun: 2 }),
      ).rejects.toThrow(/at run 1, not run 2/);
      const res = await store().rerunFrom(id, b, {
        ...RERUN,
        contextPatch: { order: { total: 12 }, note: null, added: [1] },
        expectedRun: 1,
      });
      expect(res).toMatchObject({ run: 2, replan: true });
      const task = (await store().getTask(id))!;
      expect(task.context).toEqual({ order: { id: 7, total: 12 }, added: [1] });
      expect((await store().getTaskContexts([id])).get(id)!.context).toEqual(task.context);
      const restart = (await store().getHistory(id)).find((h) => h.step_id === null && h.from_state === 'completed')!;
      expect(restart.reason).toBe(
        'rerun from b: bug fixed in b; context_patch {"order":{"total":12},"note":null,"added":[1]}',
      );
    });

    it('lists and counts tasks by their run', async () => {
      const id = await completedDiamond(store());
      const other = await completedDiamond(store());
      await store().rerunFrom(id, await stepId(store(), id, 'd'), RERUN);
      const page = await store().listTasks({ sort: 'task_id', order: 'asc' });
      expect(page.tasks.map((t) => [t.task_id, t.run, t.current_state])).toEqual([
        [id, 2, 'running'],
        [other, 1, 'completed'],
      ]);
    });
  });
}

const linear3 = () => [step('a'), step('b', ['a']), step('c', ['b'])];
