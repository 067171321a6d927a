// Conformance: tasks created without their planning hook (issue 10 item 8) — flagged in claims until planned;
// applyPlan applies skips and step settings once (the first caller wins), hands the caller's claimed steps back
// uncounted, writes the hook's annotations, and finalises a task the plan finished.
import { describe, expect, it } from 'vitest';
import type { PlanRequest } from '../../../src/core/store-contract.js';
import { claim, create, LEASE, type MakeStore, moves, step, stepStates, taskState, useStore } from './fixtures.js';

/** The settings of a branching template: a -> (b, c) -> d, planned with `skip` steps disabled. */
function planOf(taskId: number, workerId: string, skip: string[], release: PlanRequest['release']): PlanRequest {
  return {
    task_id: taskId,
    workerId,
    steps: ['a', 'b', 'c', 'd'].map((name) => ({
      name,
      skip: skip.includes(name),
      skip_reason: skip.includes(name) ? 'disabled by task handler' : null,
      retry_limit: name === 'b' ? 7 : 3,
      retryable: true,
      timeout_ms: name === 'b' ? 5_000 : null,
    })),
    release,
    annotations: [{ annotation_type: 'planned', content: { by: workerId } }],
  };
}

const branching = () => [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])];

export function planningTests(makeStore: MakeStore): void {
  describe('applyPlan', () => {
    const store = useStore(makeStore);

    it('flags claims of an unplanned task, plans it once and hands the claimed steps back uncounted', async () => {
      const id = await create(store(), branching(), { needs_plan: true });
      expect((await store().getTask(id))!.planned).toBe(false);
      const [a] = await claim(store(), 'w1');
      expect(a).toMatchObject({ name: 'a', needs_plan: true, attempt: 1 });

      const res = await store().applyPlan(planOf(id, 'w1', ['c'], [{ step_id: a!.step_id, attempt: 1 }]));
      expect(res).toMatchObject({ planned: true, released: [a!.step_id], finalized: null });
      expect(res.skipped.map((s) => s.name)).toEqual(['c']);
      const task = (await store().getTask(id))!;
      expect(task.planned).toBe(true);
      expect(task.annotations).toMatchObject([{ annotation_type: 'planned', content: { by: 'w1' } }]);
      expect(
        task.workflow_steps.map((s) => [s.name, s.current_state, s.attempts, s.retry_limit, s.timeout_ms]),
      ).toEqual([
        ['a', 'pending', 0, 3, null],
        ['b', 'pending', 0, 7, 5_000],
        ['c', 'skipped', 0, 3, null],
        ['d', 'pending', 0, 3, null],
      ]);
      expect(moves(await store().getHistory(id), 'a')).toEqual(['pending>running', 'running>pending']);

      // A second planner (it claimed before the first committed) only hands its steps back.
      const [again] = await claim(store(), 'w2');
      expect(again).toMatchObject({ name: 'a', needs_plan: false, attempt: 1 });
      const late = await store().applyPlan(planOf(id, 'w2', ['b'], [{ step_id: again!.step_id, attempt: 1 }]));
      expect(late).toMatchObject({ planned: false, released: [again!.step_id], skipped: [] });
      expect((await stepStates(store(), id)).b).toBe('pending');
      expect((await store().getTask(id))!.annotations).toHaveLength(1);
      // Not held by the caller (or not at that attempt): nothing is released.
      const [mine] = await claim(store(), 'w3');
      expect(
        (await store().applyPlan(planOf(id, 'w4', [], [{ step_id: mine!.step_id, attempt: 1 }]))).released,
      ).toEqual([]);
      expect((await stepStates(store(), id)).a).toBe('running');
    });

    it('finalises a task whose plan skips every step that was left', async () => {
      const id = await create(store(), [step('only')], { needs_plan: true });
      const [c] = await claim(store(), 'w1', 10, LEASE);
      const res = await store().applyPlan({
        task_id: id,
        workerId: 'w1',
        steps: [
          {
            name: 'only',
            skip: true,
            skip_reason: 'disabled by task handler',
            retry_limit: 3,
            retryable: true,
            timeout_ms: null,
          },
        ],
        release: [{ step_id: c!.step_id, attempt: c!.attempt }],
        annotations: [],
      });
      expect(res.skipped.map((s) => s.name)).toEqual(['only']);
      expect(res.finalized).toMatchObject({ task_id: id, state: 'completed' });
      expect(await taskState(store(), id)).toBe('completed');
    });
  });
}
