// Conformance: flow control (issue 14) — delayed starts (pending, waiting_for delay, released when due), claim order by
// priority, pausing and resuming a task, a template and a namespace (held steps out of the claim index, completions
// of a paused task make nothing claimable), with their history rows.
import { describe, expect, it } from 'vitest';
import { isTaskerError } from '../../../src/core/errors.js';
import {
  claim,
  complete,
  create,
  linear,
  moves,
  names,
  newTask,
  ok,
  retry,
  step,
  stepStates,
  useStore,
  waitFor,
  type MakeStore,
} from './fixtures.js';

export function flowControlTests(makeStore: MakeStore): void {
  describe('flow control: delayed start', () => {
    const store = useStore(makeStore);

    it('holds a delayed task pending with no claimable step, then releases it when due', async () => {
      const id = await create(store(), [step('a'), step('b', ['a'])], { delay_ms: 300 });
      const held = (await store().getTask(id))!;
      expect(held).toMatchObject({ current_state: 'pending', waiting_for: 'delay', paused: false, priority: 0 });
      expect(held.run_at).toBe(held.created_at + 300);
      expect(held.workflow_steps.map((s) => [s.name, s.current_state, s.waiting_for])).toEqual([
        ['a', 'pending', 'delay'],
        ['b', 'pending', null],
      ]);
      expect(await claim(store())).toEqual([]);
      const early = await store().releaseDueTasks();
      expect(early.released).toBe(0);
      expect(early.next_at).toBe(held.run_at);
      await waitFor(async () => (await store().releaseDueTasks()).released === 1, 'the delayed task to come due');
      const released = (await store().getTask(id))!;
      expect(released).toMatchObject({ current_state: 'pending', waiting_for: null });
      const [a] = await claim(store());
      expect(a).toMatchObject({ name: 'a', task_started: true, ready_at: held.run_at });
      expect((await store().getTask(id))!.current_state).toBe('running');
      await complete(store(), [ok(a!)]);
      const [b] = await claim(store());
      await complete(store(), [ok(b!)]);
      expect((await store().getTask(id))!.current_state).toBe('completed');
      const history = await store().getHistory(id);
      expect(moves(history, null)).toEqual(['pending>pending', 'pending>running', 'running>completed']);
      expect(history.filter((h) => h.step_id === null).map((h) => h.reason)).toEqual([
        'submitted with a delayed start',
        'started',
        'all steps completed, skipped or resolved',
      ]);
      expect((await store().releaseDueTasks()).next_at).toBeNull();
    });

    it('starts at once when run_at is not in the future, and keeps run_at', async () => {
      const past = Date.now() - 60_000;
      const id = await create(store(), [step('a')], { run_at: past });
      expect(await store().getTask(id)).toMatchObject({ current_state: 'running', waiting_for: null, run_at: past });
      expect(names(await claim(store()))).toEqual(['a']);
    });

    it('cancels a delayed task before it starts, and a repeated idempotency key returns it', async () => {
      const key = `delayed-${Math.random()}`;
      const id = await create(store(), [step('a')], { run_at: Date.now() + 3_600_000, idempotency_key: key });
      const again = await store().createTask({ ...(await sample(id)), idempotency_key: key });
      expect(again).toEqual({ task_id: id, created: false, finalized: null });
      const res = await store().cancelTask(id, 'ops:alice', 'not needed');
      expect(res).toMatchObject({ cancelled: true, state: 'cancelled' });
      expect(await store().getTask(id)).toMatchObject({ current_state: 'cancelled', waiting_for: null });
      expect(await stepStates(store(), id)).toEqual({ a: 'cancelled' });
      expect((await store().releaseDueTasks()).next_at).toBeNull();
    });

    async function sample(id: number) {
      const t = (await store().getTask(id))!;
      return {
        namespace: t.namespace,
        name: t.name,
        version: t.version,
        context: {},
        initiator: null,
        source_system: null,
        reason: null,
        tags: [],
        idempotency_key: null,
        correlation_id: 'again',
        steps: [step('a')],
        run_at: Date.now() + 3_600_000,
      };
    }
  });

  describe('flow control: priorities', () => {
    const store = useStore(makeStore);

    it('claims ready steps by priority, higher first, then by the time they became ready', async () => {
      const low = await create(store(), [step('low')], { priority: -3 });
      const mid = await create(store(), [step('mid')]);
      const high1 = await create(store(), [step('high1')], { priority: 5 });
      const high2 = await create(store(), [step('high2')], { priority: 5 });
      expect((await store().getTask(high1))!.priority).toBe(5);
      const order: string[] = [];
      for (let c = await claim(store(), 'w', 1); c.length > 0; c = await claim(store(), 'w', 1)) order.push(c[0]!.name);
      expect(order).toEqual(['high1', 'high2', 'mid', 'low']);
      expect([low, mid, high2].length).toBe(3);
    });

    it('a high-priority child readied later goes before older ready steps, in completions too', async () => {
      const urgent = await create(store(), [step('first'), step('then', ['first'])], { priority: 10 });
      await create(store(), [step('x')]);
      await create(store(), [step('y')]);
      const [first] = await claim(store(), 'w', 1);
      expect(first!.name).toBe('first');
      const res = await store().completeSteps([ok(first!)], { workerId: 'w', claim: { limit: 1, leaseMs: 60_000 } });
      expect(res.claimed.map((c) => c.name)).toEqual(['then']);
      expect(res.claimed[0]!.task.task_id).toBe(urgent);
      expect(names(await claim(store(), 'w', 10))).toEqual(['x', 'y']);
    });
  });

  describe('flow control: pausing a task', () => {
    const store = useStore(makeStore);

    it('starts no new step while paused: running steps finish, their children wait for the resume', async () => {
      const id = await create(store(), linear());
      const [a] = await claim(store());
      const paused = await store().pauseTask(id, 'ops:alice', 'investigating');
      expect(paused).toEqual({
        task_id: id,
        changed: true,
        task_state: 'running',
        paused: true,
        waiting_for: 'paused',
      });
      expect((await store().pauseTask(id, 'ops:alice')).changed).toBe(false);
      const res = await complete(store(), [ok(a!)]);
      expect(res.applied).toEqual([a!.step_id]);
      expect(await claim(store())).toEqual([]);
      const task = (await store().getTask(id))!;
      expect(task).toMatchObject({ current_state: 'running', paused: true, waiting_for: 'paused' });
      expect(task.workflow_steps.map((s) => [s.name, s.current_state, s.waiting_for])).toEqual([
        ['a', 'completed', null],
        ['b', 'pending', 'paused'],
        ['c', 'pending', null],
      ]);
      const resumed = await store().resumeTask(id, 'ops:bob');
      expect(resumed).toMatchObject({ changed: true, paused: false, waiting_for: null });
      expect((await store().resumeTask(id, 'ops:bob')).changed).toBe(false);
      const [b] = await claim(store());
      expect(b!.name).toBe('b');
      const rows = (await store().getHistory(id)).filter((h) => h.step_id === null);
      expect(rows.map((h) => [h.from_state, h.to_state, h.reason, h.actor])).toEqual([
        ['pending', 'running', 'submitted', 'tester'],
        ['running', 'running', 'investigating', 'ops:alice'],
        ['running', 'running', 'resumed by operator', 'ops:bob'],
      ]);
    });

    it('keeps a retry of a paused task unclaimable, and finishes a task whose last step completes while paused', async () => {
      const id = await create(store(), [step('a'), step('b')]);
      const [a, b] = await claim(store());
      await store().pauseTask(id, 'ops');
      await complete(store(), [retry(a!, 0)]);
      expect(await claim(store())).toEqual([]);
      await store().resumeTask(id, 'ops');
      const [again] = await claim(store());
      expect(again).toMatchObject({ name: 'a', attempt: 2 });
      await store().pauseTask(id, 'ops');
      const res = await complete(store(), [ok(again!), ok(b!)]);
      expect(res.finalized.map((f) => [f.task_id, f.state])).toEqual([[id, 'completed']]);
      expect(await store().getTask(id)).toMatchObject({ current_state: 'completed', paused: false, waiting_for: null });
    });

    it('pauses a task that has not started: it stays pending and starts after the resume', async () => {
      const id = await create(store(), [step('a')]);
      await store().pauseTask(id, 'ops');
      expect(await claim(store())).toEqual([]);
      expect((await store().getTask(id))!.current_state).toBe('running');
      await store().resumeTask(id, 'ops');
      expect(names(await claim(store()))).toEqual(['a']);
    });

    it('refuses to pause or resume a finished task, and an unknown one', async () => {
      const id = await create(store(), [step('a')]);
      const [a] = await claim(store());
      await complete(store(), [ok(a!)]);
      const err = await store()
        .pauseTask(id, 'ops')
        .catch((e: unknown) => e);
      expect(isTaskerError(err) && err.code).toBe('illegal_action');
      expect((err as Error).message).toMatch(/cannot pause task \d+: it is completed/);
      await expect(store().resumeTask(id, 'ops')).rejects.toThrow(/it is completed/);
      await expect(store().pauseTask(999_999, 'ops')).rejects.toThrow(/not found/);
    });

    it('a delayed task paused past its run_at starts on resume', async () => {
      const id = await create(store(), [step('a')], { delay_ms: 200 });
      await store().pauseTask(id, 'ops');
      expect(await store().getTask(id)).toMatchObject({ current_state: 'pending', waiting_for: 'paused' });
      await waitFor(async () => Date.now() > (await store().getTask(id))!.run_at! + 50, 'the run_at to pass');
      expect((await store().releaseDueTasks()).released).toBe(0);
      expect(await claim(store())).toEqual([]);
      await store().resumeTask(id, 'ops');
      const [a] = await claim(store());
      expect(a).toMatchObject({ name: 'a', task_started: true });
      expect(moves(await store().getHistory(id), null)).toEqual([
        'pending>pending',
        'pending>pending',
        'pending>pending',
        'pending>running',
      ]);
    });
  });

  describe('flow control: pausing a template or a namespace', () => {
    const store = useStore(makeStore);

    it('holds new and unfinished tasks of the template until it is resumed; other templates run', async () => {
      const before = await create(store(), linear());
      const [a] = await claim(store());
      const res = await store().pauseTemplates(
        { namespace: 'conformance', name: 'sample' },
        'ops:alice',
        'gateway down',
      );
      expect(res).toEqual({ changed: true, tasks: 1 });
      expect(await store().pauseTemplates({ namespace: 'conformance', name: 'sample' }, 'ops:alice')).toEqual({
        changed: false,
        tasks: 0,
      });
      const during = await create(store(), [step('x')]);
      const other = await create(store(), [step('y')], { name: 'other' });
      expect(await store().getTask(during)).toMatchObject({
        current_state: 'pending',
        waiting_for: 'paused',
        paused: true,
      });
      await complete(store(), [ok(a!)]);
      expect(names(await claim(store()))).toEqual(['y']);
      const listed = await store().listPaused();
      expect(listed).toEqual([
        expect.objectContaining({
          namespace: 'conformance',
          name: 'sample',
          actor: 'ops:alice',
          reason: 'gateway down',
        }),
      ]);
      expect(await store().pausedFor('conformance', 'sample')).toMatchObject({ name: 'sample' });
      expect(await store().pausedFor('conformance', 'other')).toBeNull();
      const resumed = await store().resumeTemplates({ namespace: 'conformance', name: 'sample' }, 'ops:bob');
      expect(resumed).toEqual({ changed: true, tasks: 2 });
      expect(await store().listPaused()).toEqual([]);
      expect(names(await claim(store()))).toEqual(['b', 'x']);
      expect((await store().getTask(during))!.current_state).toBe('running');
      const rows = (await store().getHistory(before)).filter((h) => h.step_id === null);
      expect(rows.map((h) => [h.from_state, h.to_state, h.reason, h.actor])).toEqual([
        ['pending', 'running', 'submitted', 'tester'],
        ['running', 'running', 'gateway down', 'ops:alice'],
        ['running', 'running', 'template conformance/sample resumed', 'ops:bob'],
      ]);
      expect(moves(await store().getHistory(during), null)).toEqual([
        'pending>pending',
        'pending>pending',
        'pending>running',
      ]);
      expect(other).toBeGreaterThan(0);
    });

    it('a namespace pause covers its templates; each pause is lifted on its own, a task pause outlasts both', async () => {
      const one = await create(store(), [step('a')]);
      const two = await create(store(), [step('b')], { name: 'other' });
      const own = await create(store(), [step('c')]);
      await store().pauseTask(own, 'ops');
      expect(await store().pauseTemplates({ namespace: 'conformance' }, 'ops')).toEqual({ changed: true, tasks: 3 });
      await store().pauseTemplates({ namespace: 'conformance', name: 'sample' }, 'ops');
      expect((await store().listPaused()).map((p) => p.name)).toEqual([null, 'sample']);
      expect(await store().pausedFor('conformance', 'other')).toMatchObject({ namespace: 'conformance', name: null });
      expect(await claim(store())).toEqual([]);
      expect(await store().resumeTemplates({ namespace: 'conformance' }, 'ops')).toEqual({ changed: true, tasks: 1 });
      expect(names(await claim(store()))).toEqual(['b']);
      expect(await store().resumeTemplates({ namespace: 'conformance', name: 'sample' }, 'ops')).toEqual({
        changed: true,
        tasks: 2,
      });
      expect(names(await claim(store()))).toEqual(['a']);
      expect(await store().getTask(own)).toMatchObject({ paused: true, waiting_for: 'paused' });
      await store().resumeTask(own, 'ops');
      expect(names(await claim(store()))).toEqual(['c']);
      expect([one, two].length).toBe(2);
    });

    it('createTasks holds exactly the batch tasks whose template or namespace is paused', async () => {
      await store().pauseTemplates({ namespace: 'conformance', name: 'sample' }, 'ops');
      await store().pauseTemplates({ namespace: 'held' }, 'ops');
      // Templates alternate within the batch, so an answer kept from the task before would be wrong.
      const batch = [
        newTask([step('a')]),
        newTask([step('b')]),
        newTask([step('c')], { name: 'other' }),
        newTask([step('d')]),
        newTask([step('e')], { name: 'other' }),
        newTask([step('f')], { namespace: 'held', name: 'other' }),
        newTask([step('g')], { name: 'other' }),
      ];
      const results = await store().createTasks(batch);
      const states = await Promise.all(results.map(async (r) => (await store().getTask(r.task_id))!.waiting_for));
      expect(states).toEqual(['paused', 'paused', null, 'paused', null, 'paused', null]);
      expect(names(await claim(store()))).toEqual(['c', 'e', 'g']);
    });

    it('refuses a bad target', async () => {
      await expect(store().pauseTemplates({ namespace: '' }, 'ops')).rejects.toThrow(/namespace must be/);
      await expect(store().pauseTemplates({ namespace: 'a/b' }, 'ops')).rejects.toThrow(/namespace must be/);
      await expect(store().resumeTemplates({ namespace: 'a', name: ' ' }, 'ops')).rejects.toThrow(/name must be/);
    });
  });
}
