// Conformance: claimSteps limits, namespace filter, leases and attempts, task_started once per task, extendLeases,
// and that parallel claimers never get the same step.
import { describe, expect, it } from 'vitest';
import type { ClaimedStep } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  diamond,
  LEASE,
  type MakeStore,
  names,
  ok,
  step,
  stepStates,
  useStore,
} from './fixtures.js';

export function claimingTests(makeStore: MakeStore): void {
  describe('claimSteps', () => {
    const store = useStore(makeStore);

    it('respects the limit and hands out each ready step once', async () => {
      await create(store(), [step('a'), step('b'), step('c'), step('d'), step('e')]);
      expect(await store().claimSteps({ workerId: 'w', limit: 0, leaseMs: LEASE })).toEqual([]);
      const first = await claim(store(), 'w1', 2);
      expect(first).toHaveLength(2);
      const second = await claim(store(), 'w2', 10);
      expect(second).toHaveLength(3);
      expect(new Set([...first, ...second].map((c) => c.step_id)).size).toBe(5);
      expect(await claim(store(), 'w3')).toEqual([]);
    });

    it('fills claimed steps and marks them running under the worker lease', async () => {
      const id = await create(store(), [step('a')], { namespace: 'billing', name: 'invoice', version: '2.1.0' });
      const [c] = await store().claimSteps({ workerId: 'worker-7', limit: 5, leaseMs: 45_000 });
      expect(c).toMatchObject({
        name: 'a',
        handler_class: 'Handlers::a',
        attempt: 1,
        retry_limit: 3,
        retryable: true,
        timeout_ms: null,
        task_started: true,
        task: { task_id: id, namespace: 'billing', name: 'invoice', version: '2.1.0' },
      });
      expect(typeof c!.task.correlation_id).toBe('string');
      const task = (await store().getTask(id))!;
      expect(task.started_at).toBe(c!.started_at);
      // When the step became claimable (its creation here): the start of its queue lag.
      expect(c!.ready_at).toBeGreaterThanOrEqual(task.created_at);
      expect(c!.ready_at).toBeLessThanOrEqual(c!.started_at);
      const s = task.workflow_steps[0]!;
      expect(s).toMatchObject({
        current_state: 'running',
        attempts: 1,
        locked_by: 'worker-7',
        started_at: c!.started_at,
      });
      expect(s.lease_expires_at).toBe(c!.started_at + 45_000);
      const history = await store().getHistory(id, c!.step_id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        step_name: 'a',
        from_state: 'pending',
        to_state: 'running',
        attempt: 1,
        actor: 'worker-7',
      });
    });

    it('filters by namespace', async () => {
      await create(store(), [step('x')], { namespace: 'alpha' });
      await create(store(), [step('y')], { namespace: 'beta' });
      await create(store(), [step('z')], { namespace: 'gamma' });
      expect(await claim(store(), 'w', 10, LEASE, [])).toEqual([]);
      expect(names(await claim(store(), 'w', 10, LEASE, ['beta', 'nothing']))).toEqual(['y']);
      expect(names(await claim(store(), 'w', 10, LEASE, ['alpha', 'gamma']))).toEqual(['x', 'z']);
      expect(await claim(store(), 'w', 10, LEASE, null)).toEqual([]);
    });

    it('reports task_started exactly once per task', async () => {
      const t1 = await create(store(), [step('a'), step('b'), step('c', ['a'])]);
      const t2 = await create(store(), [step('a')]);
      const seen: ClaimedStep[] = [];
      const batch = await store().claimSteps({ workerId: 'w1', limit: 2, leaseMs: LEASE, namespaces: null });
      seen.push(...batch);
      await complete(
        store(),
        batch.map((c) => ok(c)),
        'w1',
      );
      for (let one = await claim(store(), 'w2', 1); one.length > 0; one = await claim(store(), 'w2', 1)) {
        seen.push(...one);
        await complete(
          store(),
          one.map((c) => ok(c)),
          'w2',
        );
      }
      expect(seen).toHaveLength(4);
      const starts = seen.filter((c) => c.task_started).map((c) => c.task.task_id);
      expect(starts.sort((x, y) => x - y)).toEqual([t1, t2].sort((x, y) => x - y));
    });

    it('never hands the same step to two parallel claimers', async () => {
      for (let i = 0; i < 40; i++) await create(store(), diamond());
      const roots = await claim(store(), 'root', 100);
      expect(roots).toHaveLength(40);
      await complete(
        store(),
        roots.map((c) => ok(c)),
        'root',
      );
      const batches = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(store(), `p${i}`, 7)));
      const ids = batches.flat().map((c) => c.step_id);
      expect(new Set(ids).size).toBe(ids.length);
      const rest = await claim(store(), 'last', 1000);
      const total = [...ids, ...rest.map((c) => c.step_id)];
      expect(new Set(total).size).toBe(80);
      expect(total).toHaveLength(80);
    });

    it('extends leases of held steps and reports those no longer held', async () => {
      const id = await create(store(), [step('a'), step('b'), step('c')]);
      const claimed = await claim(store(), 'w1', 2, 10_000);
      const other = await claim(store(), 'w2', 1);
      const before = (await store().getTask(id))!.workflow_steps.find(
        (s) => s.workflow_step_id === claimed[0]!.step_id,
      )!;
      const r = await store().extendLeases(
        'w1',
        [...claimed.map((c) => c.step_id), other[0]!.step_id, 987_654],
        120_000,
      );
      expect(r.lost.sort()).toEqual([other[0]!.step_id, 987_654].sort());
      const after = (await store().getTask(id))!.workflow_steps.find(
        (s) => s.workflow_step_id === claimed[0]!.step_id,
      )!;
      expect(after.lease_expires_at!).toBeGreaterThan(before.lease_expires_at!);
      await complete(store(), [ok(claimed[0]!)]);
      expect((await store().extendLeases('w1', [claimed[0]!.step_id], 1000)).lost).toEqual([claimed[0]!.step_id]);
      expect(await store().extendLeases('w1', [], 1000)).toEqual({ lost: [] });
      expect(await stepStates(store(), id)).toEqual({
        [claimed[0]!.name]: 'completed',
        [claimed[1]!.name]: 'running',
        [other[0]!.name]: 'running',
      });
    });
  });
}
