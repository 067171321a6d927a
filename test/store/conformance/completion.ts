// Conformance: completeSteps — results and children, batches, prune, retry with delay, failure after independent
// branches, release, stale outcomes, exactly-once finalisation under concurrency, and claim-in-completion.
import { describe, expect, it } from 'vitest';
import {
  claim,
  complete,
  create,
  diamond,
  fail,
  LEASE,
  type MakeStore,
  moves,
  names,
  ok,
  release,
  retry,
  step,
  stepStates,
  taskState,
  useStore,
  waitFor,
} from './fixtures.js';

export function completionTests(makeStore: MakeStore): void {
  describe('completeSteps', () => {
    const store = useStore(makeStore);

    it('stores results, timing and readiness of children', async () => {
      const id = await create(store(), diamond());
      const [a] = await claim(store());
      const r = await complete(store(), [ok(a!, { total: 42, items: ['x'] })]);
      expect(r).toMatchObject({
        applied: [a!.step_id],
        stale: [],
        skipped: [],
        finalized: [],
        readyCount: 2,
        claimed: [],
      });
      const s = (await store().getTask(id))!.workflow_steps.find((x) => x.name === 'a')!;
      expect(s).toMatchObject({
        current_state: 'completed',
        results: { total: 42, items: ['x'] },
        locked_by: null,
        attempts: 1,
        error: null,
      });
      expect(s.completed_at).toBeGreaterThanOrEqual(s.started_at!);
      expect(s.duration_ms).toBe(s.completed_at! - s.started_at!);
      expect(names(await claim(store()))).toEqual(['b', 'c']);
    });

    it('applies a batch of outcomes in one call and finalises the task it finishes', async () => {
      const id = await create(store(), [step('a'), step('b'), step('c')]);
      const claimed = await claim(store());
      const r = await complete(
        store(),
        claimed.map((c) => ok(c, c.name)),
      );
      expect(r.applied.sort()).toEqual(claimed.map((c) => c.step_id).sort());
      expect(r.finalized).toHaveLength(1);
      expect(r.finalized[0]).toMatchObject({
        task_id: id,
        state: 'completed',
        step_count: 3,
        namespace: 'conformance',
        name: 'sample',
      });
      const task = (await store().getTask(id))!;
      expect(task.current_state).toBe('completed');
      expect(task.completed_at).toBe(r.finalized[0]!.completed_at);
      expect(r.finalized[0]!.started_at).toBe(task.started_at);
      expect(task.workflow_steps.map((s) => s.results)).toEqual(['a', 'b', 'c']);
    });

    it('prunes routed-away steps; skipped steps satisfy a join', async () => {
      // a routes to b; c and e are routed away; f joins d (after b) and e.
      const id = await create(store(), [
        step('a'),
        step('b', ['a']),
        step('c', ['a']),
        step('d', ['b']),
        step('e', ['c']),
        step('f', ['d', 'e']),
      ]);
      const [a] = await claim(store());
      const r = await complete(store(), [ok(a!, { route: 'b' }, ['c', 'e', 'a', 'unknown'])]);
      expect(r.skipped.map((s) => s.name).sort()).toEqual(['c', 'e']);
      expect(r.skipped.every((s) => s.task_id === id)).toBe(true);
      expect(await stepStates(store(), id)).toMatchObject({ a: 'completed', c: 'skipped', e: 'skipped' });
      for (const next of ['b', 'd', 'f']) {
        const claimed = await claim(store());
        expect(names(claimed)).toEqual([next]);
        await complete(
          store(),
          claimed.map((c) => ok(c)),
        );
      }
      expect(await taskState(store(), id)).toBe('completed');
      const history = await store().getHistory(id);
      expect(history.find((h) => h.step_name === 'c')).toMatchObject({
        from_state: 'pending',
        to_state: 'skipped',
        actor: 'w1',
      });
    });

    it('schedules a retry: not claimable before its delay, claimable after, error kept', async () => {
      const id = await create(store(), [step('a')]);
      const [first] = await claim(store());
      const r = await complete(store(), [retry(first!, 1000, 'upstream 503')]);
      expect(r.readyCount).toBe(0);
      const s = (await store().getTask(id))!.workflow_steps[0]!;
      expect(s).toMatchObject({ current_state: 'retrying', attempts: 1, locked_by: null });
      expect(s.error).toMatchObject({ message: 'upstream 503', class: 'RetryableError', code: 'E_RETRY' });
      expect(await claim(store())).toEqual([]);
      const row = (await store().getHistory(id, first!.step_id)).at(-1)!;
      expect(row).toMatchObject({ from_state: 'running', to_state: 'retrying', attempt: 1, actor: 'w1' });
      expect(row.error).toMatchObject({ message: 'upstream 503', class: 'RetryableError', code: 'E_RETRY' });
      const next = await store().nextRetryAt();
      expect(next).toBe(s.next_attempt_at);
      expect(next!).toBeGreaterThanOrEqual(row.at + 999);
      const second = await waitFor(async () => (await claim(store())).at(0), 'the retry to come due');
      expect(second).toMatchObject({ step_id: first!.step_id, attempt: 2, task_started: false });
      expect(await store().nextRetryAt()).toBeNull();
      await complete(store(), [ok(second)]);
      expect(await taskState(store(), id)).toBe('completed');
      expect((await store().getTask(id))!.workflow_steps[0]).toMatchObject({ attempts: 2, error: null });
    });

    it('makes a retry with no delay claimable at once', async () => {
      await create(store(), [step('a')]);
      const [first] = await claim(store());
      expect((await complete(store(), [retry(first!, 0)])).readyCount).toBe(1);
      const [again] = await claim(store(), 'w2');
      expect(again).toMatchObject({ step_id: first!.step_id, attempt: 2 });
    });

    it('fails the task only after independent branches finish', async () => {
      const id = await create(store(), [step('a'), step('a2', ['a']), step('b'), step('b2', ['b'])]);
      const roots = await claim(store());
      const a = roots.find((c) => c.name === 'a')!;
      const b = roots.find((c) => c.name === 'b')!;
      const r1 = await complete(store(), [fail(a, 'card declined')]);
      expect(r1.finalized).toEqual([]);
      expect(await taskState(store(), id)).toBe('running');
      await complete(store(), [ok(b)]);
      const [b2] = await claim(store());
      expect(b2!.name).toBe('b2');
      const r2 = await complete(store(), [ok(b2!)]);
      expect(r2.finalized).toMatchObject([{ task_id: id, state: 'failed' }]);
      expect(await stepStates(store(), id)).toEqual({ a: 'failed', a2: 'pending', b: 'completed', b2: 'completed' });
      const failedStep = (await store().getTask(id))!.workflow_steps[0]!;
      expect(failedStep.error).toMatchObject({ message: 'card declined', class: 'PermanentError', code: 'E_PERM' });
      expect(failedStep.error!.stack).toContain('at handler');
      expect(moves(await store().getHistory(id), null)).toEqual(['pending>running', 'running>failed']);
    });

    it('releases a claimed step without counting the attempt', async () => {
      const id = await create(store(), [step('a')]);
      const [c1] = await claim(store());
      const r = await complete(store(), [release(c1!)]);
      expect(r.applied).toEqual([c1!.step_id]);
      expect((await store().getTask(id))!.workflow_steps[0]).toMatchObject({
        current_state: 'pending',
        attempts: 0,
        locked_by: null,
      });
      const [c2] = await claim(store(), 'w2');
      expect(c2!.attempt).toBe(1);
      await complete(store(), [retry(c2!, 0)], 'w2');
      const [c3] = await claim(store(), 'w3');
      expect(c3!.attempt).toBe(2);
      await complete(store(), [release(c3!)], 'w3');
      expect((await store().getTask(id))!.workflow_steps[0]).toMatchObject({ current_state: 'retrying', attempts: 1 });
      expect((await claim(store(), 'w4'))[0]!.attempt).toBe(2);
      expect(moves(await store().getHistory(id), 'a')).toEqual([
        'pending>running',
        'running>pending',
        'pending>running',
        'running>retrying',
        'retrying>running',
        'running>retrying',
        'retrying>running',
      ]);
    });

    it('reports outcomes the caller no longer holds as stale and changes nothing', async () => {
      const id = await create(store(), [step('a'), step('b')]);
      const [a, b] = await claim(store());
      const wrongWorker = await complete(store(), [ok(a!)], 'intruder');
      expect(wrongWorker).toMatchObject({ applied: [], stale: [a!.step_id] });
      const wrongAttempt = await complete(store(), [{ ...ok(b!), attempt: 2 }]);
      expect(wrongAttempt.stale).toEqual([b!.step_id]);
      const wrongTask = await complete(store(), [{ ...ok(b!), task_id: id + 1000 }]);
      expect(wrongTask.stale).toEqual([b!.step_id]);
      const unknown = await complete(store(), [{ ...ok(b!), step_id: 99_999_999 }]);
      expect(unknown.stale).toEqual([99_999_999]);
      expect(await stepStates(store(), id)).toEqual({ a: 'running', b: 'running' });
      const twice = await complete(store(), [ok(a!), ok(a!)]);
      expect(twice).toMatchObject({ applied: [a!.step_id], stale: [a!.step_id] });
      expect((await complete(store(), [fail(a!)])).stale).toEqual([a!.step_id]);
      expect((await store().getHistory(id, a!.step_id)).map((h) => h.to_state)).toEqual(['running', 'completed']);
    });

    it('applies a large mixed batch exactly like small ones: every kind of outcome, stale entries, the join waits', async () => {
      const width = 30;
      const branches = Array.from({ length: width }, (_, i) => `s${String(i).padStart(2, '0')}`);
      const id = await create(store(), [...branches.map((n) => step(n)), step('join', branches)]);
      const claimed = await claim(store());
      expect(names(claimed)).toEqual(branches);
      const by = (i: number) => claimed[i]!;
      const outcomes = [
        ...claimed.slice(0, 20).map((c) => ok(c, { n: c.name })),
        ...claimed.slice(20, 23).map((c) => retry(c, 60_000)),
        ...claimed.slice(23, 26).map((c) => fail(c)),
        ...claimed.slice(26, 29).map((c) => release(c)),
        { ...ok(by(29)), attempt: 2 },
        ok(by(0), 'second time'),
      ];
      const r = await complete(store(), outcomes);
      expect(r.applied).toEqual(claimed.slice(0, 29).map((c) => c.step_id));
      expect(r.stale).toEqual([by(29).step_id, by(0).step_id]);
      expect(r).toMatchObject({ skipped: [], finalized: [], claimed: [], readyCount: 3 });
      const states = await stepStates(store(), id);
      const expected: Record<string, string> = { join: 'pending' };
      branches.forEach((n, i) => {
        expected[n] = i < 20 ? 'completed' : i < 23 ? 'retrying' : i < 26 ? 'failed' : i < 29 ? 'pending' : 'running';
      });
      expect(states).toEqual(expected);
      const first = (await store().getTask(id))!.workflow_steps.find((s) => s.name === 's00')!;
      expect(first.results).toEqual({ n: 's00' });
      expect(names(await claim(store()))).toEqual(branches.slice(26, 29));
      expect(await taskState(store(), id)).toBe('running');
    });

    it('reports finalisation exactly once under concurrent completers', async () => {
      const ids: number[] = [];
      for (let t = 0; t < 5; t++)
        ids.push(
          await create(
            store(),
            Array.from({ length: 8 }, (_, i) => step(`s${i}`)),
          ),
        );
      const claimed = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          claim(store(), `w${i}`, 1).then((cs) => cs.map((c) => ({ c, w: `w${i}` }))),
        ),
      );
      const flat = claimed.flat();
      expect(flat).toHaveLength(40);
      // Every step is completed twice at once by its holder: one applies, the other is stale.
      const results = await Promise.all(
        flat.flatMap(({ c, w }) => [
          store().completeSteps([ok(c)], { workerId: w }),
          store().completeSteps([ok(c)], { workerId: w }),
        ]),
      );
      expect(results.flatMap((r) => r.applied)).toHaveLength(40);
      expect(results.flatMap((r) => r.stale)).toHaveLength(40);
      const finalized = results.flatMap((r) => r.finalized).map((f) => f.task_id);
      expect(finalized.sort((x, y) => x - y)).toEqual(ids);
      for (const id of ids) {
        expect(await taskState(store(), id)).toBe('completed');
        expect(moves(await store().getHistory(id), null)).toEqual(['pending>running', 'running>completed']);
      }
    });

    it('claims more work in the same call when asked', async () => {
      await create(store(), diamond());
      const [a] = await claim(store());
      const r = await store().completeSteps([ok(a!)], { workerId: 'w1', claim: { limit: 1, leaseMs: LEASE } });
      expect(r.claimed).toHaveLength(1);
      expect(r.claimed[0]).toMatchObject({ attempt: 1, task_started: false });
      expect(['b', 'c']).toContain(r.claimed[0]!.name);
      const onlyClaim = await store().completeSteps([], { workerId: 'w2', claim: { limit: 5, leaseMs: LEASE } });
      expect(onlyClaim.claimed).toHaveLength(1);
      const history = await store().getHistory(a!.task.task_id, onlyClaim.claimed[0]!.step_id);
      expect(history.at(-1)).toMatchObject({ to_state: 'running', actor: 'w2' });
    });
  });
}
