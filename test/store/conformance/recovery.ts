// Conformance: reclaiming expired leases and dead workers' steps (retry or fail, finalising tasks), stale
// completions after a reclaim, and cancelTask.
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import {
  claim,
  complete,
  create,
  fail,
  LEASE,
  linear,
  type MakeStore,
  moves,
  ok,
  step,
  stepStates,
  taskState,
  useStore,
  waitFor,
} from './fixtures.js';

export function recoveryTests(makeStore: MakeStore): void {
  describe('reclaimSteps', () => {
    const store = useStore(makeStore);

    it('takes back expired leases for a retry, recording the lost attempt', async () => {
      const id = await create(store(), [step('a'), step('b')]);
      const [short] = await store().claimSteps({ workerId: 'dying', limit: 1, leaseMs: 1 });
      const [long] = await claim(store(), 'healthy', 1, LEASE);
      const r = await waitFor(async () => {
        const res = await store().reclaimSteps({ kind: 'expired' });
        return res.reclaimed.length > 0 && res;
      }, 'the lease to expire');
      expect(r.reclaimed).toEqual([
        {
          step_id: short!.step_id,
          task_id: id,
          name: short!.name,
          attempt: 1,
          to: 'retrying',
          counted: true,
          locked_by: 'dying',
        },
      ]);
      expect(r.finalized).toEqual([]);
      const s = (await store().getTask(id))!.workflow_steps.find((x) => x.workflow_step_id === short!.step_id)!;
      expect(s).toMatchObject({ current_state: 'retrying', attempts: 1, locked_by: null });
      expect(s.error).toMatchObject({ class: 'LeaseExpiredError' });
      expect(s.error!.message).toContain('dying');
      const row = (await store().getHistory(id, short!.step_id)).at(-1)!;
      expect(row).toMatchObject({ from_state: 'running', to_state: 'retrying', attempt: 1 });
      expect(row.error).toMatchObject({ class: 'LeaseExpiredError' });
      const [again] = await claim(store(), 'rescuer');
      expect(again).toMatchObject({ step_id: short!.step_id, attempt: 2 });
      expect((await complete(store(), [ok(short!)], 'dying')).stale).toEqual([short!.step_id]);
      expect((await store().extendLeases('dying', [short!.step_id], LEASE)).lost).toEqual([short!.step_id]);
      expect((await stepStates(store(), id))[long!.name]).toBe('running');
    });

    it('fails a reclaimed step that is out of attempts or not retryable, finalising its task', async () => {
      const id = await create(store(), [step('once', [], { retry_limit: 1 }), step('never', [], { retryable: false })]);
      await claim(store(), 'gone', 10);
      const r = await store().reclaimSteps({ kind: 'workers', workerIds: ['gone'] });
      expect(r.reclaimed.map((x) => [x.name, x.to, x.locked_by]).sort()).toEqual([
        ['never', 'failed', 'gone'],
        ['once', 'failed', 'gone'],
      ]);
      expect(r.finalized).toMatchObject([{ task_id: id, state: 'failed' }]);
      expect(await taskState(store(), id)).toBe('failed');
      expect((await store().reclaimSteps({ kind: 'workers', workerIds: ['gone'] })).reclaimed).toEqual([]);
    });

    it('reclaims every running step of dead workers whatever their lease, and nothing else', async () => {
      const id = await create(store(), [step('a'), step('b'), step('c'), step('d')]);
      await claim(store(), 'dead-1', 1);
      await claim(store(), 'dead-2', 1);
      const [alive] = await claim(store(), 'alive', 1);
      const r = await store().reclaimSteps({ kind: 'workers', workerIds: ['dead-1', 'dead-2', 'dead-1'] });
      expect(r.reclaimed).toHaveLength(2);
      expect(r.reclaimed.every((x) => x.to === 'retrying' && x.attempt === 1)).toBe(true);
      expect(new Set(r.reclaimed.map((x) => x.locked_by))).toEqual(new Set(['dead-1', 'dead-2']));
      expect((await store().reclaimSteps({ kind: 'expired' })).reclaimed).toEqual([]);
      const states = await stepStates(store(), id);
      expect(states[alive!.name]).toBe('running');
      expect(Object.values(states).filter((s) => s === 'retrying')).toHaveLength(2);
      expect(await claim(store(), 'new', 10)).toHaveLength(3);
    });
  });

  describe('cancelTask', () => {
    const store = useStore(makeStore);

    it('cancels a running task and every step that could still run', async () => {
      const id = await create(store(), [
        step('done'),
        step('running'),
        step('waiting', ['done', 'running']),
        step('retry'),
      ]);
      const claimed = await claim(store());
      const byName = Object.fromEntries(claimed.map((c) => [c.name, c]));
      await complete(store(), [
        ok(byName.done!),
        { ...ok(byName.retry!), type: 'retry', delayMs: 60_000, error: { message: 'later', class: 'Error' } },
      ]);
      const r = await store().cancelTask(id, 'operator-ann', 'customer asked');
      expect(r).toMatchObject({ cancelled: true, state: 'cancelled', running_step_ids: [byName.running!.step_id] });
      expect(r.cancelled_step_ids.sort()).toEqual(
        [byName.running!.step_id, byName.retry!.step_id, await idOf(id, 'waiting')].sort(),
      );
      expect(await stepStates(store(), id)).toEqual({
        done: 'completed',
        running: 'cancelled',
        waiting: 'cancelled',
        retry: 'cancelled',
      });
      const task = (await store().getTask(id))!;
      expect(task.current_state).toBe('cancelled');
      expect(task.completed_at).not.toBeNull();
      const history = await store().getHistory(id);
      expect(history.filter((h) => h.to_state === 'cancelled')).toHaveLength(4);
      for (const h of history.filter((x) => x.to_state === 'cancelled')) {
        expect(h).toMatchObject({ actor: 'operator-ann', reason: 'customer asked' });
      }
      expect(moves(history, null)).toEqual(['pending>running', 'running>cancelled']);
      expect(await claim(store())).toEqual([]);
      expect((await complete(store(), [ok(byName.running!)])).stale).toEqual([byName.running!.step_id]);
      expect(await store().nextRetryAt()).toBeNull();
    });

    it('leaves a finished task alone and refuses unknown tasks', async () => {
      const id = await create(store(), [step('a')]);
      const [a] = await claim(store());
      await complete(store(), [ok(a!)]);
      expect(await store().cancelTask(id, 'op')).toEqual({
        cancelled: false,
        state: 'completed',
        running_step_ids: [],
        cancelled_step_ids: [],
      });
      expect(moves(await store().getHistory(id), null)).toEqual(['pending>running', 'running>completed']);
      const twice = await create(store(), linear());
      expect((await store().cancelTask(twice, 'op')).cancelled).toBe(true);
      expect((await store().cancelTask(twice, 'op')).cancelled).toBe(false);
      await expect(store().cancelTask(987_654, 'op')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('cancels a failed task (failed -> cancelled is legal), leaving its failed step as it is', async () => {
      const id = await create(store(), [step('a'), step('b', ['a'])]);
      const [a] = await claim(store());
      await complete(store(), [fail(a!)]);
      expect(await taskState(store(), id)).toBe('failed');
      const r = await store().cancelTask(id, 'op');
      expect(r).toMatchObject({ cancelled: true, state: 'cancelled', running_step_ids: [] });
      expect(await stepStates(store(), id)).toEqual({ a: 'failed', b: 'cancelled' });
    });

    async function idOf(taskId: number, name: string): Promise<number> {
      return (await store().getTask(taskId))!.workflow_steps.find((s) => s.name === name)!.workflow_step_id;
    }
  });
}
