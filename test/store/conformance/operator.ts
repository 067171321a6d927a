// Conformance: operator actions — retry_step, resolve_step, skip_step, retry_task — their effects on readiness and
// task state, their history rows, and every illegal or unknown target.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError, OperatorActionError } from '../../../src/core/errors.js';
import type { Store } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
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

/** A task a -> b plus an independent c, where a has failed and c completed: the task is failed. */
async function failedTask(store: Store): Promise<number> {
  const id = await create(store, [step('a'), step('b', ['a']), step('c')]);
  const roots = await claim(store);
  await complete(
    store,
    roots.map((c) => (c.name === 'a' ? fail(c, 'boom') : ok(c))),
  );
  expect(await taskState(store, id)).toBe('failed');
  return id;
}

export function operatorTests(makeStore: MakeStore): void {
  describe('operate', () => {
    const store = useStore(makeStore);

    it('retry_step reopens a failed step and its failed task, with attempts reset', async () => {
      const id = await failedTask(store());
      const a = await stepId(store(), id, 'a');
      const r = await store().operate({
        type: 'retry_step',
        task_id: id,
        step_id: a,
        actor: 'ops-bob',
        reason: 'fixed config',
      });
      expect(r).toEqual({ task_state: 'running', changed_step_ids: [a], finalized: null });
      expect((await store().getTask(id))!.workflow_steps[0]).toMatchObject({ current_state: 'pending', attempts: 0 });
      const [again] = await claim(store());
      expect(again).toMatchObject({ name: 'a', attempt: 1 });
      await complete(store(), [ok(again!)]);
      const results = await drain(store());
      expect(results.flatMap((x) => x.finalized)).toMatchObject([{ task_id: id, state: 'completed' }]);
      const history = await store().getHistory(id);
      expect(moves(history, null)).toEqual([
        'pending>running',
        'running>failed',
        'failed>running',
        'running>completed',
      ]);
      expect(history.find((h) => h.step_name === 'a' && h.to_state === 'pending')).toMatchObject({
        from_state: 'failed',
        actor: 'ops-bob',
        reason: 'fixed config',
      });
      expect(history.find((h) => h.step_id === null && h.from_state === 'failed')).toMatchObject({ actor: 'ops-bob' });
    });

    it('resolve_step on the last failed step completes the task, with the given results', async () => {
      const id = await create(store(), [step('a'), step('c')]);
      const roots = await claim(store());
      await complete(
        store(),
        roots.map((c) => (c.name === 'a' ? fail(c) : ok(c))),
      );
      const a = await stepId(store(), id, 'a');
      const r = await store().operate({
        type: 'resolve_step',
        task_id: id,
        step_id: a,
        results: { manual: true },
        actor: 'ops',
      });
      expect(r.task_state).toBe('completed');
      expect(r.finalized).toMatchObject({ task_id: id, state: 'completed' });
      const s = (await store().getTask(id))!.workflow_steps[0]!;
      expect(s).toMatchObject({ current_state: 'resolved_manually', results: { manual: true } });
      expect(moves(await store().getHistory(id), null)).toEqual([
        'pending>running',
        'running>failed',
        'failed>running',
        'running>completed',
      ]);
    });

    it('resolve_step and skip_step satisfy children, reopening a failed task', async () => {
      const id = await failedTask(store());
      const r = await store().operate({
        type: 'skip_step',
        task_id: id,
        step_id: await stepId(store(), id, 'a'),
        actor: 'ops',
      });
      expect(r).toMatchObject({ task_state: 'running', finalized: null });
      expect(names(await claim(store()))).toEqual(['b']);
      expect(await stepStates(store(), id)).toMatchObject({ a: 'skipped', b: 'running' });
    });

    it('resolves or skips pending and retrying steps of a running task, finalising when nothing is left', async () => {
      const id = await create(store(), [step('a'), step('b', ['a']), step('r')]);
      const claimed = await claim(store());
      const r = claimed.find((c) => c.name === 'r')!;
      await complete(store(), [
        {
          type: 'retry',
          step_id: r.step_id,
          task_id: id,
          attempt: 1,
          delayMs: 60_000,
          error: { message: 'x', class: 'Error' },
        },
      ]);
      await complete(store(), [ok(claimed.find((c) => c.name === 'a')!)]);
      const b = await stepId(store(), id, 'b');
      await store().operate({ type: 'resolve_step', task_id: id, step_id: b, results: 'by hand', actor: 'ops' });
      expect(await claim(store())).toEqual([]);
      const last = await store().operate({ type: 'skip_step', task_id: id, step_id: r.step_id, actor: 'ops' });
      expect(last.finalized).toMatchObject({ task_id: id, state: 'completed' });
      expect(await stepStates(store(), id)).toEqual({ a: 'completed', b: 'resolved_manually', r: 'skipped' });
      expect(await store().nextRetryAt()).toBeNull();
    });

    it('retry_task retries every failed step', async () => {
      const id = await create(store(), [step('a'), step('b'), step('c', ['a', 'b'])]);
      await complete(
        store(),
        (await claim(store())).map((c) => fail(c)),
      );
      expect(await taskState(store(), id)).toBe('failed');
      const r = await store().operate({ type: 'retry_task', task_id: id, actor: 'ops' });
      expect(r.task_state).toBe('running');
      expect(r.changed_step_ids.sort()).toEqual(
        [await stepId(store(), id, 'a'), await stepId(store(), id, 'b')].sort(),
      );
      expect(names(await claim(store()))).toEqual(['a', 'b']);
    });

    it('refuses illegal actions with the current state in the message, changing nothing', async () => {
      const id = await create(store(), [step('a'), step('b', ['a']), step('c')]);
      const claimed = await claim(store());
      const a = claimed.find((c) => c.name === 'a')!;
      await complete(store(), [ok(claimed.find((c) => c.name === 'c')!)]);
      const c = await stepId(store(), id, 'c');
      const before = await store().getHistory(id);
      const illegal = [
        [{ type: 'retry_step', task_id: id, step_id: c, actor: 'o' }, /completed/],
        [{ type: 'retry_step', task_id: id, step_id: a.step_id, actor: 'o' }, /running/],
        [{ type: 'resolve_step', task_id: id, step_id: a.step_id, results: 1, actor: 'o' }, /running/],
        [{ type: 'skip_step', task_id: id, step_id: c, actor: 'o' }, /completed/],
        [{ type: 'retry_task', task_id: id, actor: 'o' }, /no failed steps/],
      ] as const;
      for (const [action, pattern] of illegal) {
        const attempt = store().operate(action);
        await expect(attempt).rejects.toBeInstanceOf(OperatorActionError);
        await expect(store().operate(action)).rejects.toThrow(pattern);
      }
      await complete(store(), [ok(a)]);
      await drain(store());
      expect(await taskState(store(), id)).toBe('completed');
      await expect(store().operate({ type: 'retry_task', task_id: id, actor: 'o' })).rejects.toThrow(
        /task is completed/,
      );
      await expect(store().operate({ type: 'skip_step', task_id: id, step_id: c, actor: 'o' })).rejects.toBeInstanceOf(
        OperatorActionError,
      );
      const after = await store().getHistory(id);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.every((h) => h.actor !== 'o')).toBe(true);
    });

    it('refuses actions on cancelled tasks', async () => {
      const id = await failedTask(store());
      await store().cancelTask(id, 'op');
      const a = await stepId(store(), id, 'a');
      await expect(store().operate({ type: 'retry_step', task_id: id, step_id: a, actor: 'o' })).rejects.toThrow(
        /cancelled/,
      );
    });

    it('reports unknown tasks and steps as NotFoundError', async () => {
      const id = await failedTask(store());
      const other = await create(store(), [step('z')]);
      const z = await stepId(store(), other, 'z');
      await expect(store().operate({ type: 'retry_task', task_id: 999_999, actor: 'o' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        store().operate({ type: 'retry_step', task_id: id, step_id: 999_999, actor: 'o' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(store().operate({ type: 'skip_step', task_id: id, step_id: z, actor: 'o' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('refuses an actor or reason that would not be stored as written (unpaired surrogates), changing nothing', async () => {
      const id = await failedTask(store());
      const a = await stepId(store(), id, 'a');
      await expect(
        store().operate({ type: 'retry_step', task_id: id, step_id: a, actor: 'ops:\ud800' }),
      ).rejects.toThrow(/operate retry_step: actor contains an unpaired UTF-16 surrogate/);
      await expect(
        store().operate({ type: 'retry_step', task_id: id, step_id: a, actor: 'ops', reason: 'why \udc00' }),
      ).rejects.toThrow(/reason contains an unpaired UTF-16 surrogate/);
      await expect(store().cancelTask(id, 'ops', 'stop \ud83d')).rejects.toBeInstanceOf(InvalidRequestError);
      expect(await taskState(store(), id)).toBe('failed');
      // A well-formed astral character is fine.
      await store().operate({
        type: 'retry_step',
        task_id: id,
        step_id: a,
        actor: 'ops:\ud83d\ude00',
        reason: 'ok \u{1F600}',
      });
      expect((await store().getHistory(id, a)).at(-1)!.actor).toBe('ops:\u{1F600}');
    });
  });
}
