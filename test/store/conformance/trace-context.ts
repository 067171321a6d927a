// Conformance: the submission's trace context is kept with the task (every creation path: one statement, the
// transactional path of an all-skipped or unplanned task, a batch) and returned with the task's context.
import { describe, expect, it } from 'vitest';
import { create, linear, type MakeStore, newTask, step, useStore } from './fixtures.js';

const CARRIER = (n: number) =>
  JSON.stringify({ traceparent: `00-${'ab'.repeat(16)}-${String(n).padStart(16, '0')}-01`, tracestate: 'k=v' });

export function traceContextTests(makeStore: MakeStore): void {
  describe('trace context of a submission', () => {
    const store = useStore(makeStore);

    it('keeps the trace context given at creation and returns it with the task context', async () => {
      const traced = await create(store(), linear(), { trace_context: CARRIER(1) });
      const untraced = await create(store(), linear());
      const skipAll = [step('x', [], { initial_state: 'skipped' })];
      const skipped = (await store().createTask(newTask(skipAll, { trace_context: CARRIER(2) }))).task_id;
      const unplanned = await create(store(), linear(), { trace_context: CARRIER(3), needs_plan: true });
      const map = await store().getTaskContexts([traced, untraced, skipped, unplanned]);
      expect(map.get(traced)!.trace_context).toBe(CARRIER(1));
      expect(map.get(untraced)!.trace_context).toBeNull();
      expect(map.get(skipped)!.trace_context).toBe(CARRIER(2));
      expect(map.get(unplanned)!.trace_context).toBe(CARRIER(3));
    });

    it('keeps each task its own trace context in a batch, keyed or not', async () => {
      const plain = await store().createTasks([
        newTask(linear(), { trace_context: CARRIER(4) }),
        newTask(linear()),
        newTask(linear(), { trace_context: CARRIER(5) }),
      ]);
      const keyed = await store().createTasks([
        newTask(linear(), { trace_context: CARRIER(6), idempotency_key: 'k1' }),
        newTask(linear(), { idempotency_key: 'k2' }),
      ]);
      const ids = [...plain, ...keyed].map((r) => r.task_id);
      const map = await store().getTaskContexts(ids);
      expect(ids.map((id) => map.get(id)!.trace_context)).toEqual([CARRIER(4), null, CARRIER(5), CARRIER(6), null]);
    });
  });
}
