// Conformance: what workers say about themselves and what follows from it (issue 10 items 7 and 9) — claims filtered
// by the templates a worker can run, capabilities recorded and refreshed, steps no live worker can run shown as
// waiting (per step and in stats), and an expired lease of a holder that is still alive handed back uncounted.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { claim, complete, create, LEASE, type MakeStore, ok, step, useStore, waitFor } from './fixtures.js';

const V1 = 'conformance/sample@1.0.0';
const V2 = 'conformance/sample@2.0.0';

export function workerTests(makeStore: MakeStore): void {
  describe('worker capabilities', () => {
    const store = useStore(makeStore);

    it('claims only steps of the templates the claimer can run, in claims and in completions', async () => {
      const v1 = await create(store(), [step('a'), step('b', ['a'])]);
      const v2 = await create(store(), [step('a')], { version: '2.0.0' });
      expect(await store().claimSteps({ workerId: 'w', limit: 10, leaseMs: LEASE, templates: [] })).toEqual([]);
      const got = await store().claimSteps({ workerId: 'old', limit: 10, leaseMs: LEASE, templates: [V1] });
      expect(got.map((c) => [c.task.task_id, c.name])).toEqual([[v1, 'a']]);
      expect(got[0]!.needs_plan).toBe(false);
      const done = await store().completeSteps([ok(got[0]!)], {
        workerId: 'old',
        claim: { limit: 10, leaseMs: LEASE, templates: [V1] },
      });
      expect(done.claimed.map((c) => [c.task.task_id, c.name])).toEqual([[v1, 'b']]);
      const rest = await store().claimSteps({ workerId: 'new', limit: 10, leaseMs: LEASE, templates: [V1, V2] });
      expect(rest.map((c) => [c.task.task_id, c.name])).toEqual([[v2, 'a']]);
    });

    it('records what a worker can run and marks steps no live worker can run as waiting', async () => {
      const v2 = await create(store(), [step('a'), step('b', ['a'])], { version: '2.0.0' });
      const self = { hostname: hostname(), pid: process.pid, namespaces: null };
      await store().workers.registerWorker({ worker_id: 'old', ...self, capabilities: [V1], lease_ms: 60_000 });
      const waiting = (await store().getTask(v2))!.workflow_steps.map((s) => [s.name, s.waiting_for]);
      expect(waiting).toEqual([
        ['a', 'worker'],
        ['b', null],
      ]); // b cannot run yet anyway
      expect((await store().stats()).waiting_for_worker).toBe(1);
      expect((await store().workers.listWorkers()).map((w) => [w.worker_id, w.capabilities, w.lease_ms])).toEqual([
        ['old', [V1], 60_000],
      ]);

      await store().workers.touchWorker('old', [V1, V2]);
      expect((await store().getTask(v2))!.workflow_steps[0]!.waiting_for).toBeNull();
      expect((await store().stats()).waiting_for_worker).toBe(0);
      expect((await store().workers.listWorkers())[0]!.capabilities).toEqual([V1, V2]);

      // A worker not seen within its lease is not live: the step waits again.
      await store().workers.registerWorker({ worker_id: 'old', ...self, capabilities: [V1, V2], lease_ms: 1 });
      await waitFor(async () => (await store().stats()).waiting_for_worker === 1, 'the worker to count as gone');
      // A worker of an older release (no capabilities) runs anything.
      await store().workers.registerWorker({ worker_id: 'legacy', ...self });
      expect((await store().stats()).waiting_for_worker).toBe(0);
      expect((await store().getTask(v2))!.workflow_steps[0]!.waiting_for).toBeNull();
      await store().workers.removeWorker('old');
      await store().workers.removeWorker('legacy');
    });
  });

  describe('leases of live holders', () => {
    const store = useStore(makeStore);

    it("hands an expired lease back uncounted while its holder is alive, and never takes the caller's own", async () => {
      const id = await create(store(), [step('a', [], { retry_limit: 1 })]);
      await store().workers.registerWorker({
        worker_id: 'alive',
        hostname: hostname(),
        pid: process.pid,
        namespaces: null,
      });
      const [c] = await store().claimSteps({ workerId: 'alive', limit: 1, leaseMs: 1 });
      await new Promise((r) => setTimeout(r, 20));
      expect((await store().reclaimSteps({ kind: 'expired', exceptWorker: 'alive' })).reclaimed).toEqual([]);
      const r = await waitFor(async () => {
        const res = await store().reclaimSteps({ kind: 'expired' });
        return res.reclaimed.length > 0 && res;
      }, 'the lease to expire');
      expect(r.reclaimed).toEqual([
        { step_id: c!.step_id, task_id: id, name: 'a', attempt: 1, to: 'pending', counted: false, locked_by: 'alive' },
      ]);
      const s = (await store().getTask(id))!.workflow_steps[0]!;
      expect(s).toMatchObject({ current_state: 'pending', attempts: 0, locked_by: null, error: null });
      expect((await store().getHistory(id, c!.step_id)).at(-1)).toMatchObject({
        from_state: 'running',
        to_state: 'pending',
        attempt: 1,
        reason: expect.stringContaining('attempt not counted'),
      });
      expect((await complete(store(), [ok(c!)], 'alive')).stale).toEqual([c!.step_id]);
      const [again] = await claim(store(), 'rescuer');
      expect(again).toMatchObject({ step_id: c!.step_id, attempt: 1 });
      await store().workers.removeWorker('alive');
    });

    it('counts the lost attempt once the holder is gone', async () => {
      const id = await create(store(), [step('a', [], { retry_limit: 1 })]);
      await store().workers.registerWorker({
        worker_id: 'leaving',
        hostname: hostname(),
        pid: process.pid,
        namespaces: null,
      });
      await store().claimSteps({ workerId: 'leaving', limit: 1, leaseMs: 1 });
      await store().workers.removeWorker('leaving');
      const r = await waitFor(async () => {
        const res = await store().reclaimSteps({ kind: 'expired' });
        return res.reclaimed.length > 0 && res;
      }, 'the lease to expire');
      expect(r.reclaimed[0]).toMatchObject({ to: 'failed', counted: true, locked_by: 'leaving' });
      expect(r.finalized).toMatchObject([{ task_id: id, state: 'failed' }]);
    });
  });
}
