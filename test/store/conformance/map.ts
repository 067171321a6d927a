// Conformance: map fan-out — an `expand` outcome creates a held step's instances (copies named `name[i]`, gating it,
// optionally in lanes of max_parallel) and hands the step back pending on them; `mapState` reads them in item order;
// the step is claimable again once every instance is done; a `skipped` outcome skips a held step; stale and bad
// outcomes change nothing; a failed instance fails the task; a rerun from the mapped step drops its instances.
import { describe, expect, it } from 'vitest';
import type { ClaimedStep, StepOutcome } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  fail,
  type MakeStore,
  names,
  ok,
  step,
  stepStates,
  taskState,
  useStore,
} from './fixtures.js';

function expand(c: ClaimedStep, count: number, maxParallel: number | null = null): StepOutcome {
  return {
    type: 'expand',
    step_id: c.step_id,
    task_id: c.task.task_id,
    attempt: c.attempt,
    count,
    max_parallel: maxParallel,
  };
}

const mapped = () => [step('a'), step('m', ['a'], { retry_limit: 5, timeout_ms: 1234 }), step('z', ['m'])];

export function mapTests(makeStore: MakeStore): void {
  describe('map fan-out', () => {
    const store = useStore(makeStore);

    /** Create a task a -> m -> z, complete a and claim m. */
    async function heldMap(): Promise<{ id: number; m: ClaimedStep }> {
      const id = await create(store(), mapped());
      const [a] = await claim(store());
      await complete(store(), [ok(a!)]);
      const [m] = await claim(store());
      expect(m!.name).toBe('m');
      return { id, m: m! };
    }

    it('expands a held step into instances, gathers them in item order, then runs its dependents', async () => {
      const { id, m } = await heldMap();
      expect(await store().dynamic.mapState(m.step_id)).toEqual({ size: null, results: [], open: 0 });
      const r = await complete(store(), [expand(m, 3)]);
      expect(r).toMatchObject({ applied: [m.step_id], stale: [], readyCount: 3, finalized: [] });
      const task = (await store().getTask(id))!;
      expect(task.step_count).toBe(6);
      const parent = task.workflow_steps.find((s) => s.name === 'm')!;
      expect(parent).toMatchObject({ current_state: 'pending', attempts: 0, locked_by: null, map_size: 3 });
      expect(parent.waiting_for).toBe('map');
      const instances = task.workflow_steps.filter((s) => s.map_of === m.step_id);
      expect(instances.map((s) => [s.name, s.map_index, s.current_state])).toEqual([
        ['m[0]', 0, 'pending'],
        ['m[1]', 1, 'pending'],
        ['m[2]', 2, 'pending'],
      ]);
      for (const s of instances) {
        expect(s).toMatchObject({ handler_class: 'Handlers::m', retry_limit: 5, timeout_ms: 1234, depends_on: [] });
      }
      expect(await store().dynamic.mapState(m.step_id)).toEqual({ size: 3, results: [null, null, null], open: 3 });

      const claimed = await claim(store());
      expect(names(claimed)).toEqual(['m[0]', 'm[1]', 'm[2]']);
      // Completed in reverse order: the gather still reads them in item order.
      await complete(
        store(),
        [...claimed].reverse().map((c) => ok(c, { item: c.name })),
      );
      const [again] = await claim(store());
      expect(again).toMatchObject({ name: 'm', attempt: 1 });
      expect(await store().dynamic.mapState(m.step_id)).toEqual({
        size: 3,
        results: [{ item: 'm[0]' }, { item: 'm[1]' }, { item: 'm[2]' }],
        open: 0,
      });
      await complete(store(), [ok(again!, ['all'])]);
      const [z] = await claim(store());
      expect(z!.name).toBe('z');
      const done = await complete(store(), [ok(z!)]);
      expect(done.finalized.map((f) => [f.task_id, f.state, f.step_count])).toEqual([[id, 'completed', 6]]);
    });

    it('keeps at most max_parallel instances claimable: each waits for the one max_parallel places before it', async () => {
      const { id, m } = await heldMap();
      const r = await complete(store(), [expand(m, 5, 2)]);
      expect(r.readyCount).toBe(2);
      const task = (await store().getTask(id))!;
      expect(task.workflow_steps.find((s) => s.name === 'm[3]')!.depends_on).toEqual(['m[1]']);
      const first = await claim(store());
      expect(names(first)).toEqual(['m[0]', 'm[1]']);
      expect(await claim(store())).toEqual([]);
      await complete(store(), [ok(first.find((c) => c.name === 'm[0]')!)]);
      expect(names(await claim(store()))).toEqual(['m[2]']);
      expect(await claim(store())).toEqual([]);
    });

    it('fails the task when an instance fails for good; the mapped step stays pending', async () => {
      const { id, m } = await heldMap();
      await complete(store(), [expand(m, 2)]);
      const [i0, i1] = await claim(store());
      const r = await complete(store(), [ok(i0!), fail(i1!)]);
      expect(r.finalized.map((f) => f.state)).toEqual(['failed']);
      expect(await stepStates(store(), id)).toMatchObject({ m: 'pending', 'm[0]': 'completed', 'm[1]': 'failed' });
      expect((await store().dynamic.mapState(m.step_id)).open).toBe(1);
    });

    it('skips a held step with a skipped outcome: its dependents run and the task can finish', async () => {
      const { id, m } = await heldMap();
      const r = await complete(store(), [
        { type: 'skipped', step_id: m.step_id, task_id: id, attempt: m.attempt, reason: 'source step a was skipped' },
      ]);
      expect(r.applied).toEqual([m.step_id]);
      expect(r.skipped).toEqual([{ step_id: m.step_id, task_id: id, name: 'm' }]);
      expect(r.readyCount).toBe(1);
      const history = await store().getHistory(id, m.step_id);
      expect(history.map((h) => [h.from_state, h.to_state, h.reason])).toContainEqual([
        'running',
        'skipped',
        'source step a was skipped',
      ]);
      const [z] = await claim(store());
      expect(z!.name).toBe('z');
      expect((await complete(store(), [ok(z!)])).finalized.map((f) => f.state)).toEqual(['completed']);
    });

    it('ignores an expand outcome of a step the caller no longer holds, and refuses a bad one', async () => {
      const { id, m } = await heldMap();
      const stale = await complete(store(), [{ ...expand(m, 3), attempt: m.attempt + 1 }]);
      expect(stale).toMatchObject({ applied: [], stale: [m.step_id] });
      const other = await store().completeSteps([expand(m, 3)], { workerId: 'someone-else' });
      expect(other.stale).toEqual([m.step_id]);
      expect((await store().getTask(id))!.workflow_steps).toHaveLength(3);
      await expect(complete(store(), [expand(m, 0)])).rejects.toThrow(/count must be a whole number from 1/);
      await expect(complete(store(), [expand(m, 2, 0)])).rejects.toThrow(/max_parallel must be a whole number/);
      expect(await taskState(store(), id)).toBe('running');
    });

    it('drops the instances of a mapped step a rerun resets', async () => {
      const { id, m } = await heldMap();
      await complete(store(), [expand(m, 2)]);
      const instances = await claim(store());
      await complete(
        store(),
        instances.map((c) => ok(c)),
      );
      const [gather] = await claim(store());
      await complete(store(), [ok(gather!, [1, 2])]);
      const [z] = await claim(store());
      await complete(store(), [ok(z!)]);
      expect(await taskState(store(), id)).toBe('completed');

      await expect(store().rerunFrom(id, instances[0]!.step_id, { reason: 'x', actor: 'ops' })).rejects.toThrow(
        /cannot rerun map instance "m\[0\]"/,
      );
      const r = await store().rerunFrom(id, m.step_id, { reason: 'again', actor: 'ops' });
      expect(r.reset_step_ids).toEqual([m.step_id, z!.step_id]);
      const task = (await store().getTask(id))!;
      expect(task.step_count).toBe(3);
      expect(task.workflow_steps.map((s) => s.name)).toEqual(['a', 'm', 'z']);
      expect(task.workflow_steps.find((s) => s.name === 'm')!.map_size).toBeUndefined();
      expect(await store().dynamic.mapState(m.step_id)).toEqual({ size: null, results: [], open: 0 });
      const history = await store().getHistory(id);
      expect(history.some((h) => instances.some((i) => i.step_id === h.step_id))).toBe(false);
      const [again] = await claim(store());
      expect(again).toMatchObject({ name: 'm', attempt: 1 });
    });
  });
}
