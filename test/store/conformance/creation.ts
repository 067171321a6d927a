// Conformance: task creation, readiness by unmet counters (linear, diamond, fan-out 1,000 -> join), skipped steps,
// request validation and idempotency.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/core/errors.js';
import {
  claim,
  complete,
  create,
  diamond,
  drain,
  linear,
  type MakeStore,
  moves,
  names,
  newTask,
  ok,
  step,
  stepStates,
  taskState,
  useStore,
} from './fixtures.js';

export function creationTests(makeStore: MakeStore): void {
  describe('createTask and readiness', () => {
    const store = useStore(makeStore);

    it('creates a running task with its fields, ordered steps and one submitted history row', async () => {
      const req = newTask(linear(), { tags: ['a', 'b'], context: { order: { id: 7 } } });
      const r = await store().createTask(req);
      expect(r).toMatchObject({ created: true, finalized: null });
      const task = (await store().getTask(r.task_id))!;
      expect(task).toMatchObject({
        task_id: r.task_id,
        namespace: 'conformance',
        name: 'sample',
        version: '1.0.0',
        current_state: 'running',
        context: { order: { id: 7 } },
        initiator: 'tester',
        source_system: 'vitest',
        reason: 'conformance',
        tags: ['a', 'b'],
        idempotency_key: null,
        correlation_id: req.correlation_id,
        started_at: null,
        completed_at: null,
        step_count: 3,
        annotations: [],
      });
      expect(typeof task.created_at).toBe('number');
      expect(task.workflow_steps.map((s) => s.name)).toEqual(['a', 'b', 'c']);
      const ids = task.workflow_steps.map((s) => s.workflow_step_id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      expect(task.workflow_steps[1]).toMatchObject({
        task_id: r.task_id,
        handler_class: 'Handlers::b',
        current_state: 'pending',
        depends_on: ['a'],
        attempts: 0,
        retry_limit: 3,
        retryable: true,
        timeout_ms: null,
        skippable: false,
        results: null,
        error: null,
        locked_by: null,
        started_at: null,
        completed_at: null,
        duration_ms: null,
      });
      const history = await store().getHistory(r.task_id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        step_id: null,
        from_state: 'pending',
        to_state: 'running',
        reason: 'submitted',
      });
    });

    it('keeps step options: timeout, retry limit, retryable, skippable', async () => {
      const id = await create(store(), [
        step('x', [], { timeout_ms: 1500, retry_limit: 1, retryable: false, skippable: true }),
      ]);
      const s = (await store().getTask(id))!.workflow_steps[0]!;
      expect(s).toMatchObject({ timeout_ms: 1500, retry_limit: 1, retryable: false, skippable: true });
      const [c] = await claim(store());
      expect(c).toMatchObject({ timeout_ms: 1500, retry_limit: 1, retryable: false, attempt: 1 });
    });

    it('runs a linear chain one step at a time', async () => {
      const id = await create(store(), linear());
      for (const expected of ['a', 'b', 'c']) {
        const claimed = await claim(store());
        expect(names(claimed)).toEqual([expected]);
        expect(await claim(store(), 'w2')).toEqual([]);
        await complete(
          store(),
          claimed.map((c) => ok(c)),
        );
      }
      expect(await taskState(store(), id)).toBe('completed');
    });

    it('releases a diamond join only when both parents are done', async () => {
      const id = await create(store(), diamond());
      const [a] = await claim(store());
      const r = await complete(store(), [ok(a!)]);
      expect(r.readyCount).toBe(2);
      const bc = await claim(store());
      expect(names(bc)).toEqual(['b', 'c']);
      await complete(store(), [ok(bc[0]!)]);
      expect(await claim(store())).toEqual([]);
      await complete(store(), [ok(bc[1]!)]);
      expect(names(await claim(store()))).toEqual(['d']);
      expect((await stepStates(store(), id)).d).toBe('running');
    });

    it('fans out to 1,000 steps and joins them with counters', async () => {
      const fan = Array.from({ length: 1000 }, (_, i) => step(`f${i}`, ['root']));
      const id = await create(store(), [
        step('root'),
        ...fan,
        step(
          'join',
          fan.map((f) => f.name),
        ),
      ]);
      const [root] = await claim(store());
      const r = await complete(store(), [ok(root!)]);
      expect(r.readyCount).toBe(1000);
      const all = await claim(store(), 'w1', 1000);
      expect(all).toHaveLength(1000);
      expect(new Set(all.map((c) => c.step_id)).size).toBe(1000);
      await complete(
        store(),
        all.slice(0, 999).map((c) => ok(c)),
      );
      expect(await claim(store())).toEqual([]);
      const last = await complete(store(), [ok(all[999]!)]);
      expect(last.readyCount).toBe(1);
      expect(names(await claim(store()))).toEqual(['join']);
      expect(await taskState(store(), id)).toBe('running');
    });

    it('writes a history row for steps skipped at creation, and they satisfy their children', async () => {
      const id = await create(store(), [
        step('a'),
        step('b', [], { initial_state: 'skipped', skip_reason: 'bypassed by request' }),
        step('c', ['a', 'b']),
      ]);
      const history = await store().getHistory(id);
      const skipRow = history.find((h) => h.step_name === 'b')!;
      expect(skipRow).toMatchObject({ from_state: 'pending', to_state: 'skipped', reason: 'bypassed by request' });
      expect((await stepStates(store(), id)).b).toBe('skipped');
      const first = await claim(store());
      expect(names(first)).toEqual(['a']);
      await complete(
        store(),
        first.map((c) => ok(c)),
      );
      await drain(store());
      expect(await stepStates(store(), id)).toEqual({ a: 'completed', b: 'skipped', c: 'completed' });
      expect(await taskState(store(), id)).toBe('completed');
    });

    it('completes a task whose steps are all skipped at creation, reporting it once', async () => {
      const skipped = { initial_state: 'skipped' as const };
      const r = await store().createTask(newTask([step('a', [], skipped), step('b', ['a'], skipped)]));
      expect(r.created).toBe(true);
      expect(r.finalized).toMatchObject({ task_id: r.task_id, state: 'completed', step_count: 2 });
      expect(await taskState(store(), r.task_id)).toBe('completed');
      expect(await claim(store())).toEqual([]);
      expect(moves(await store().getHistory(r.task_id), null)).toEqual(['pending>running', 'running>completed']);
    });

    it('rejects invalid step graphs and writes nothing', async () => {
      const bad = [
        [step('a'), step('a')],
        [step('a', ['missing'])],
        [step('a', ['b']), step('b', ['a'])],
        [step('a', ['a'])],
      ];
      for (const steps of bad) {
        await expect(store().createTask(newTask(steps))).rejects.toBeInstanceOf(InvalidRequestError);
      }
      await expect(store().createTask(newTask([step('a', ['b']), step('b', ['a'])]))).rejects.toThrow(/cycle/);
      expect((await store().listTasks({})).tasks).toEqual([]);
    });

    it('returns the existing task for a repeated idempotency key and creates nothing', async () => {
      const first = await store().createTask(newTask(linear(), { idempotency_key: 'order-1' }));
      expect(await store().findTaskByIdempotencyKey('order-1')).toBe(first.task_id);
      const again = await store().createTask(newTask(diamond(), { idempotency_key: 'order-1' }));
      expect(again).toEqual({ task_id: first.task_id, created: false, finalized: null });
      expect((await store().listTasks({})).tasks).toHaveLength(1);
      expect((await store().getTask(first.task_id))!.workflow_steps).toHaveLength(3);
      expect(await store().findTaskByIdempotencyKey('order-1')).toBe(first.task_id);
      expect(await store().findTaskByIdempotencyKey('order-2')).toBeNull();
    });

    it('creates exactly one task under many concurrent creates with the same key', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store().createTask(newTask(diamond(), { idempotency_key: 'same' }))),
      );
      expect(new Set(results.map((r) => r.task_id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await store().listTasks({})).tasks).toHaveLength(1);
      expect(await claim(store())).toHaveLength(1);
    });

    it('returns contexts and request fields for getTaskContexts', async () => {
      const a = await create(store(), linear(), { context: { x: 1 }, tags: ['p'], initiator: 'me', reason: 'why' });
      const b = await create(store(), linear(), {
        context: ['list'],
        initiator: null,
        source_system: null,
        reason: null,
      });
      const map = await store().getTaskContexts([a, b, 999_999]);
      expect(map.size).toBe(2);
      expect(map.get(a)).toEqual({
        context: { x: 1 },
        initiator: 'me',
        source_system: 'vitest',
        reason: 'why',
        tags: ['p'],
        trace_context: null,
        scheduled_for: null,
      });
      expect(map.get(b)).toEqual({
        context: ['list'],
        initiator: null,
        source_system: null,
        reason: null,
        tags: ['t1'],
        trace_context: null,
        scheduled_for: null,
      });
    });

    it('createTasks creates a batch in order, each as createTask would, with idempotency inside the batch', async () => {
      const existing = await store().createTask(newTask(linear(), { idempotency_key: 'dup-old' }));
      const skipAll = [step('x', [], { initial_state: 'skipped' })];
      const results = await store().createTasks([
        newTask(diamond(), { initiator: 'alice' }),
        newTask(linear(), { idempotency_key: 'dup-old' }),
        newTask(linear(), { idempotency_key: 'dup-new' }),
        newTask(diamond(), { idempotency_key: 'dup-new' }),
        newTask(skipAll),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, false, true, false, true]);
      expect(results[1]!.task_id).toBe(existing.task_id);
      expect(results[3]!.task_id).toBe(results[2]!.task_id);
      expect(results[0]!.task_id).toBeLessThan(results[2]!.task_id);
      expect(results[4]!.finalized).toMatchObject({ task_id: results[4]!.task_id, state: 'completed' });
      expect(await stepStates(store(), results[0]!.task_id)).toEqual({
        a: 'pending',
        b: 'pending',
        c: 'pending',
        d: 'pending',
      });
      const history = await store().getHistory(results[0]!.task_id);
      expect(history.filter((h) => h.step_id === null)).toHaveLength(1);
      expect(history[0]).toMatchObject({ to_state: 'running', actor: 'alice' });
      expect(names(await claim(store())).sort()).toEqual(['a', 'a', 'a']);
      expect((await store().listTasks({})).tasks).toHaveLength(4);
    });

    it('createTasks writes nothing when one task of the batch is invalid', async () => {
      await expect(store().createTasks([newTask(linear()), newTask([step('a', ['zz'])])])).rejects.toBeInstanceOf(
        InvalidRequestError,
      );
      expect((await store().listTasks({})).tasks).toHaveLength(0);
      expect(await store().createTasks([])).toEqual([]);
    });

    it('createTasks without keys: fields, ordered steps, edges, skipped steps and history as createTask writes them', async () => {
      const withSkip = [
        step('a'),
        step('b', ['a'], { initial_state: 'skipped', skip_reason: 'off' }),
        step('c', ['b']),
      ];
      const results = await store().createTasks([
        newTask(diamond(), { tags: ['x', 'y'], context: { k: [1, 2] }, initiator: 'bob' }),
        newTask(withSkip, { tags: [] }),
        newTask(linear()),
      ]);
      expect(results.every((r) => r.created && r.finalized === null)).toBe(true);
      const ids = results.map((r) => r.task_id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      const first = (await store().getTask(ids[0]!))!;
      expect(first).toMatchObject({
        current_state: 'running',
        tags: ['x', 'y'],
        context: { k: [1, 2] },
        initiator: 'bob',
        step_count: 4,
      });
      expect(first.workflow_steps.map((s) => [s.name, s.depends_on])).toEqual([
        ['a', []],
        ['b', ['a']],
        ['c', ['a']],
        ['d', ['b', 'c']],
      ]);
      const stepIds = first.workflow_steps.map((s) => s.workflow_step_id);
      expect([...stepIds].sort((x, y) => x - y)).toEqual(stepIds);
      expect((await store().getTask(ids[1]!))!.tags).toEqual([]);
      expect(await stepStates(store(), ids[1]!)).toEqual({ a: 'pending', b: 'skipped', c: 'pending' });
      expect(moves(await store().getHistory(ids[1]!), 'b')).toEqual(['pending>skipped']);
      expect((await store().getHistory(ids[0]!))[0]).toMatchObject({
        step_id: null,
        to_state: 'running',
        actor: 'bob',
      });
      // readiness follows the edges: finish every task and check each ran to completion
      await drain(store());
      for (const id of ids) expect(await taskState(store(), id)).toBe('completed');
    });
  });
}
