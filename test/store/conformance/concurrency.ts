// Conformance: concurrency limits (issue 14, part 2) — per-key task slots (taken when the task's first steps would be
// claimable, held until it finishes, handed to the next in line), per-step slots across tasks (held from readiness
// to the step's end, retries included), queued work out of the claim index and visibly waiting, and the paths that
// give slots back: finishing, failing, cancelling, pausing.
import { describe, expect, it } from 'vitest';
import type { NewStep, StoreConcurrency } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  fail,
  names,
  ok,
  retry,
  step,
  taskState,
  useStore,
  type MakeStore,
} from './fixtures.js';

const perKey = (value: string, limit = 1): StoreConcurrency => ({
  key: `task:conformance/sample:${JSON.stringify([value])}`,
  limit,
});
const STEP_GROUP = 'step:conformance/sample/call';
const gatedStep = (name: string, limit: number, deps: string[] = []): NewStep =>
  step(name, deps, { concurrency: { key: STEP_GROUP, limit } });

export function concurrencyTests(makeStore: MakeStore): void {
  describe('concurrency limits: per key on tasks', () => {
    const store = useStore(makeStore);

    it('runs one task per key at a time; the others wait pending, in order, and start as slots free', async () => {
      const a1 = await create(store(), [step('a')], { concurrency: perKey('acme') });
      const a2 = await create(store(), [step('a')], { concurrency: perKey('acme') });
      const a3 = await create(store(), [step('a')], { concurrency: perKey('acme') });
      const b1 = await create(store(), [step('a')], { concurrency: perKey('bolt') });
      expect(await store().getTask(a1)).toMatchObject({ current_state: 'pending', waiting_for: null });
      const queued = (await store().getTask(a2))!;
      expect(queued).toMatchObject({ current_state: 'pending', waiting_for: 'concurrency' });
      expect(queued.workflow_steps[0]!.waiting_for).toBe('concurrency');
      const first = await claim(store());
      expect(first.map((c) => c.task.task_id).sort((x, y) => x - y)).toEqual([a1, b1]);
      expect(await claim(store())).toEqual([]);
      expect(await store().concurrencyGroups()).toEqual([
        { key: perKey('acme').key, limit: 1, running: 1, waiting: 2 },
        { key: perKey('bolt').key, limit: 1, running: 1, waiting: 0 },
      ]);
      const done = await store().completeSteps([ok(first.find((c) => c.task.task_id === a1)!)], {
        workerId: 'w1',
        claim: { limit: 10, leaseMs: 60_000 },
      });
      expect(done.finalized.map((f) => f.task_id)).toEqual([a1]);
      expect(done.claimed.map((c) => c.task.task_id)).toEqual([a2]);
      expect(await store().getTask(a3)).toMatchObject({ waiting_for: 'concurrency' });
      await complete(store(), [ok(done.claimed[0]!)]);
      const [third] = await claim(store());
      expect(third!.task.task_id).toBe(a3);
      const history = await store().getHistory(a3);
      expect(history.filter((h) => h.step_id === null).map((h) => [h.from_state, h.to_state, h.reason])).toEqual([
        ['pending', 'pending', 'submitted; it waits for a concurrency slot'],
        ['pending', 'pending', 'a concurrency slot is free'],
        ['pending', 'running', 'started'],
      ]);
    });

    it('gives the slot back when a task fails or is cancelled, and an operator retry takes one again', async () => {
      const t1 = await create(store(), [step('a')], { concurrency: perKey('k') });
      const t2 = await create(store(), [step('a')], { concurrency: perKey('k') });
      const t3 = await create(store(), [step('a')], { concurrency: perKey('k') });
      const [c1] = await claim(store());
      await complete(store(), [fail(c1!)]);
      expect(await taskState(store(), t1)).toBe('failed');
      expect((await store().getTask(t2))!.waiting_for).toBeNull();
      await store().cancelTask(t2, 'ops');
      expect((await store().getTask(t3))!.waiting_for).toBeNull();
      // t3 holds the slot: a retry of t1 reopens it, running but waiting for its slot again
      const retried = await store().operate({ type: 'retry_task', task_id: t1, actor: 'ops' });
      expect(retried.task_state).toBe('running');
      expect(await store().getTask(t1)).toMatchObject({ current_state: 'running', waiting_for: 'concurrency' });
      const [c3] = await claim(store());
      expect(c3!.task.task_id).toBe(t3);
      expect(await claim(store())).toEqual([]);
      const res = await store().completeSteps([ok(c3!)], { workerId: 'w1', claim: { limit: 5, leaseMs: 60_000 } });
      expect(res.claimed.map((c) => c.task.task_id)).toEqual([t1]);
      expect((await store().concurrencyGroups())[0]).toMatchObject({ running: 1, waiting: 0 });
    });

    it('a paused or delayed task leaves the queue and takes its turn once released', async () => {
      const t1 = await create(store(), [step('a')], { concurrency: perKey('p') });
      const t2 = await create(store(), [step('a')], { concurrency: perKey('p') });
      const t3 = await create(store(), [step('a')], { concurrency: perKey('p'), delay_ms: 3_600_000 });
      expect((await store().getTask(t3))!.waiting_for).toBe('delay');
      await store().pauseTask(t2, 'ops');
      expect((await store().concurrencyGroups())[0]).toMatchObject({ running: 1, waiting: 0 });
      const [c1] = await claim(store());
      await complete(store(), [ok(c1!)]);
      expect((await store().concurrencyGroups())[0]).toMatchObject({ running: 0, waiting: 0 });
      await store().resumeTask(t2, 'ops');
      expect(await store().getTask(t2)).toMatchObject({ waiting_for: null, paused: false });
      expect(names(await claim(store()))).toEqual(['a']);
      expect((await store().concurrencyGroups())[0]).toMatchObject({ running: 1 });
      expect(t1).toBeGreaterThan(0);
    });

    it('takes the newest limit: a higher one admits more of the queue', async () => {
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await create(store(), [step('a')], { concurrency: perKey('n', 1) }));
      expect((await claim(store())).length).toBe(1);
      const more = await create(store(), [step('a')], { concurrency: perKey('n', 3) });
      expect((await store().concurrencyGroups())[0]).toMatchObject({ limit: 3, running: 3, waiting: 2 });
      const claimed = await claim(store());
      expect(claimed.map((c) => c.task.task_id)).toEqual([ids[1], ids[2]]);
      expect((await store().getTask(more))!.waiting_for).toBe('concurrency');
    });
  });

  describe('concurrency limits: per step, across tasks', () => {
    const store = useStore(makeStore);

    it('admits at most `limit` steps of the group at once; the others wait out of the claim index', async () => {
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await create(store(), [step('prep'), gatedStep('call', 2, ['prep'])]));
      const preps = await claim(store());
      expect(names(preps)).toEqual(['prep', 'prep', 'prep', 'prep']);
      const res = await store().completeSteps(
        preps.map((c) => ok(c)),
        { workerId: 'w1', claim: { limit: 10, leaseMs: 60_000 } },
      );
      expect(names(res.claimed)).toEqual(['call', 'call']);
      const waiting = (await Promise.all(ids.map((id) => store().getTask(id)))).filter(
        (t) => t!.workflow_steps[1]!.waiting_for === 'concurrency',
      );
      expect(waiting).toHaveLength(2);
      expect(waiting[0]!.current_state).toBe('running');
      expect(await store().concurrencyGroups()).toEqual([{ key: STEP_GROUP, limit: 2, running: 2, waiting: 2 }]);
      // a retry keeps its slot through the backoff; a finished step hands it on
      const [first, second] = res.claimed;
      await complete(store(), [retry(first!, 0)]);
      const again = await claim(store());
      expect(again.map((c) => c.step_id)).toEqual([first!.step_id]);
      await complete(store(), [ok(again[0]!), ok(second!)]);
      const next = await claim(store());
      expect(names(next)).toEqual(['call', 'call']);
      await complete(
        store(),
        next.map((c) => ok(c)),
      );
      for (const id of ids) expect(await taskState(store(), id)).toBe('completed');
      expect(await store().concurrencyGroups()).toEqual([{ key: STEP_GROUP, limit: 2, running: 0, waiting: 0 }]);
    });

    it('a skipped or cancelled step gives its slot back; a root step takes one at creation', async () => {
      const t1 = await create(store(), [gatedStep('call', 1)]);
      const t2 = await create(store(), [gatedStep('call', 1)]);
      expect((await store().getTask(t2))!.workflow_steps[0]!.waiting_for).toBe('concurrency');
      const stepOf = async (id: number) => (await store().getTask(id))!.workflow_steps[0]!.workflow_step_id;
      await store().operate({ type: 'skip_step', task_id: t1, step_id: await stepOf(t1), actor: 'ops' });
      expect(await taskState(store(), t1)).toBe('completed');
      const [c2] = await claim(store());
      expect(c2!.task.task_id).toBe(t2);
      const t3 = await create(store(), [gatedStep('call', 1)]);
      await store().cancelTask(t2, 'ops');
      const [c3] = await claim(store());
      expect(c3!.task.task_id).toBe(t3);
      expect(await store().concurrencyGroups()).toEqual([{ key: STEP_GROUP, limit: 1, running: 1, waiting: 0 }]);
    });
  });
}
