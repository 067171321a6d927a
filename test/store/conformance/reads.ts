// Conformance: history rows, listTasks (filters, sorts, keyset cursor, validation), stats, annotations, workers,
// nextRetryAt, getStepSnapshots, listUnfinishedTaskIds and ping.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotFoundError } from '../../../src/core/errors.js';
import type { TaskListFilter, TaskSummary } from '../../../src/core/store-contract.js';
import {
  claim,
  complete,
  create,
  drain,
  expectLegal,
  fail,
  linear,
  type MakeStore,
  ok,
  retry,
  step,
  useStore,
} from './fixtures.js';

export function readTests(makeStore: MakeStore): void {
  describe('history', () => {
    const store = useStore(makeStore);

    it('records every transition with from, to, attempt, actor and error, all legal', async () => {
      const id = await create(store(), [step('a'), step('b', ['a']), step('x', [], { initial_state: 'skipped' })]);
      const [a1] = await claim(store(), 'w1');
      await complete(store(), [retry(a1!, 0, 'flaky')], 'w1');
      const [a2] = await claim(store(), 'w2');
      await complete(store(), [ok(a2!)], 'w2');
      const [b] = await claim(store(), 'w3');
      await complete(store(), [fail(b!, 'bad input')], 'w3');
      const history = await store().getHistory(id);
      expectLegal(history);
      const simple = history.map((h) => [
        h.step_name,
        h.from_state,
        h.to_state,
        h.attempt,
        h.actor,
        h.error?.message ?? null,
      ]);
      expect(simple).toEqual([
        [null, 'pending', 'running', null, 'tester', null],
        ['x', 'pending', 'skipped', 0, 'tester', null],
        ['a', 'pending', 'running', 1, 'w1', null],
        ['a', 'running', 'retrying', 1, 'w1', 'flaky'],
        ['a', 'retrying', 'running', 2, 'w2', null],
        ['a', 'running', 'completed', 2, 'w2', null],
        ['b', 'pending', 'running', 1, 'w3', null],
        ['b', 'running', 'failed', 1, 'w3', 'bad input'],
        [null, 'running', 'failed', null, 'w3', null],
      ]);
      expect(history.every((h) => h.task_id === id && typeof h.at === 'number' && typeof h.reason === 'string')).toBe(
        true,
      );
      for (let i = 1; i < history.length; i++) expect(history[i]!.at).toBeGreaterThanOrEqual(history[i - 1]!.at);
      const onlyA = await store().getHistory(id, a1!.step_id);
      expect(onlyA.map((h) => h.to_state)).toEqual(['running', 'retrying', 'running', 'completed']);
      expect(await store().getHistory(987_654)).toEqual([]);
    });
  });

  describe('listTasks', () => {
    const store = useStore(makeStore);

    async function seed(): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(
          await create(store(), [step('a')], {
            namespace: i % 2 ? 'odd' : 'even',
            name: i < 4 ? 'low' : 'high',
            version: `1.${i % 3}.0`,
          }),
        );
      }
      // finish tasks 1, 3 and 5 (completed) and 6 (failed)
      for (const c of await claim(store(), 'w', 100)) {
        const n = ids.indexOf(c.task.task_id);
        if (n === 6) await complete(store(), [fail(c)], 'w');
        else if (n % 2 === 1) await complete(store(), [ok(c)], 'w');
      }
      return ids;
    }

    async function all(filter: TaskListFilter): Promise<TaskSummary[]> {
      const out: TaskSummary[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const page = await store().listTasks({ ...filter, cursor });
        expect(page.tasks.length).toBeLessThanOrEqual(filter.limit ?? 50);
        out.push(...page.tasks);
        cursor = page.next_cursor;
        if (!cursor) return out;
      }
      throw new Error('pagination did not end');
    }

    it('filters by namespace, name, version, state and creation time', async () => {
      const ids = await seed();
      const pick = (xs: TaskSummary[]) => xs.map((t) => ids.indexOf(t.task_id)).sort();
      expect(pick((await store().listTasks({ namespace: 'odd' })).tasks)).toEqual([1, 3, 5]);
      expect(pick((await store().listTasks({ name: 'high', namespace: 'even' })).tasks)).toEqual([4, 6]);
      expect(pick((await store().listTasks({ version: '1.0.0' })).tasks)).toEqual([0, 3, 6]);
      expect(pick((await store().listTasks({ state: 'completed' })).tasks)).toEqual([1, 3, 5]);
      expect(pick((await store().listTasks({ state: ['failed', 'running'] })).tasks)).toEqual([0, 2, 4, 6]);
      const all7 = (await store().listTasks({ sort: 'task_id', order: 'asc' })).tasks;
      expect(all7.map((t) => t.task_id)).toEqual(ids);
      expect(all7[1]).toMatchObject({ current_state: 'completed', namespace: 'odd', step_count: 1, tags: ['t1'] });
      const t3 = all7[3]!.created_at;
      const after = (await store().listTasks({ created_after: t3 - 1 })).tasks;
      expect(after.every((t) => t.created_at > t3 - 1)).toBe(true);
      expect(after.map((t) => t.task_id)).toContain(ids[3]);
      const before = (await store().listTasks({ created_before: t3 + 1 })).tasks;
      expect(before.every((t) => t.created_at < t3 + 1)).toBe(true);
      expect(before.map((t) => t.task_id)).toContain(ids[0]);
      expect((await store().listTasks({ namespace: 'nope' })).tasks).toEqual([]);
    });

    it('pages through every sort and order with a cursor, without gaps or repeats', async () => {
      const ids = await seed();
      for (const sort of ['created_at', 'task_id', 'completed_at'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const got = await all({ sort, order, limit: 2 });
          expect(got.map((t) => t.task_id).sort((a, b) => a - b)).toEqual(ids);
          const key = (t: TaskSummary) => (sort === 'completed_at' ? (t.completed_at ?? Infinity) : t[sort]);
          for (let i = 1; i < got.length; i++) {
            const [p, q] = [got[i - 1]!, got[i]!];
            const inOrder =
              order === 'asc'
                ? key(p) < key(q) || (key(p) === key(q) && p.task_id < q.task_id)
                : key(p) > key(q) || (key(p) === key(q) && p.task_id > q.task_id);
            expect(inOrder, `${sort} ${order} at ${i}`).toBe(true);
          }
        }
      }
      const filtered = await all({ state: 'running', limit: 1, sort: 'task_id', order: 'asc' });
      expect(filtered.map((t) => ids.indexOf(t.task_id))).toEqual([0, 2, 4]);
      const page = await store().listTasks({ limit: 7 });
      expect(page.next_cursor).toBeNull();
      expect((await store().listTasks({})).tasks.map((t) => t.task_id)).toEqual([...ids].reverse());
    });

    it('rejects bad limits, sorts and cursors', async () => {
      await seed();
      for (const limit of [0, 1001, 2.5]) {
        await expect(store().listTasks({ limit })).rejects.toBeInstanceOf(InvalidRequestError);
      }
      await expect(store().listTasks({ limit: 1000 })).resolves.toBeDefined();
      await expect(store().listTasks({ sort: 'name' as never })).rejects.toThrow(/sort must be one of/);
      await expect(store().listTasks({ state: 'done' as never })).rejects.toThrow(/unknown state/);
      await expect(store().listTasks({ cursor: 'not a cursor!' })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(store().listTasks({ cursor: 'eyJ4IjoxfQ' })).rejects.toBeInstanceOf(InvalidRequestError);
      const { next_cursor } = await store().listTasks({ limit: 2, sort: 'task_id' });
      await expect(store().listTasks({ cursor: next_cursor, sort: 'created_at' })).rejects.toThrow(
        /cursor was made for/,
      );
    });
  });

  describe('stats, annotations, workers and other reads', () => {
    const store = useStore(makeStore);

    it('counts tasks and steps by state, and the claimable depth', async () => {
      await create(store(), linear());
      await create(store(), [step('p'), step('q')]);
      const [first] = await claim(store(), 'w', 1);
      const s = await store().stats();
      expect(s.tasks_by_state).toEqual({ running: 2 });
      expect(s.steps_by_state).toEqual({ pending: 4, running: 1 });
      expect(s.ready_depth).toBe(2);
      expect(s.counts_estimated).toBe(false);
      // The oldest claimable step has waited since its task was created (at most as long as this test has run).
      const created = (await store().getTask(first!.task.task_id))!.created_at;
      expect(s.oldest_ready_age_ms).toBeGreaterThanOrEqual(0);
      expect(s.oldest_ready_age_ms).toBeLessThanOrEqual(Date.now() - created + 1000);
      await new Promise((r) => setTimeout(r, 30));
      expect((await store().stats()).oldest_ready_age_ms).toBeGreaterThanOrEqual(20);
      await complete(store(), [ok(first!)], 'w');
      await drain(store());
      const done = await store().stats();
      expect(done).toMatchObject({
        tasks_by_state: { completed: 2 },
        steps_by_state: { completed: 5 },
        ready_depth: 0,
        oldest_ready_age_ms: 0,
      });
    });

    it('stores annotations in order and refuses unknown tasks', async () => {
      const id = await create(store(), [step('a')]);
      await store().addAnnotation(id, 'audit', { checked: true });
      await store().addAnnotation(id, 'note', 'plain text');
      const task = (await store().getTask(id))!;
      expect(task.annotations.map((a) => [a.annotation_type, a.content])).toEqual([
        ['audit', { checked: true }],
        ['note', 'plain text'],
      ]);
      expect(typeof task.annotations[0]!.created_at).toBe('number');
      await expect(store().addAnnotation(987_654, 'x', {})).rejects.toBeInstanceOf(NotFoundError);
    });

    it('registers, touches, lists and removes workers', async () => {
      await store().workers.registerWorker({ worker_id: 'w-a', hostname: 'host1', pid: 11, namespaces: ['billing'] });
      await store().workers.registerWorker({ worker_id: 'w-b', hostname: 'host2', pid: 22, namespaces: null });
      const listed = await store().workers.listWorkers();
      expect(listed.map((w) => [w.worker_id, w.hostname, w.pid, w.namespaces]).sort()).toEqual([
        ['w-a', 'host1', 11, ['billing']],
        ['w-b', 'host2', 22, null],
      ]);
      const before = listed.find((w) => w.worker_id === 'w-a')!;
      expect(before.last_seen_at).toBeGreaterThanOrEqual(before.started_at);
      await new Promise((r) => setTimeout(r, 5));
      await store().workers.touchWorker('w-a');
      const touched = (await store().workers.listWorkers()).find((w) => w.worker_id === 'w-a')!;
      expect(touched.last_seen_at).toBeGreaterThan(before.last_seen_at);
      expect((await store().stats()).workers).toHaveLength(2);
      await store().workers.removeWorker('w-a');
      expect((await store().workers.listWorkers()).map((w) => w.worker_id)).toEqual(['w-b']);
    });

    it('returns step snapshots by name, unfinished task ids, and answers ping', async () => {
      const t1 = await create(store(), linear());
      const t2 = await create(store(), [step('solo')]);
      const [a] = await claim(store(), 'w', 1);
      await complete(store(), [ok(a!, { value: 1 })], 'w');
      const snaps = await store().getStepSnapshots([
        { task_id: t1, names: ['a', 'b', 'nope'] },
        { task_id: t2, names: ['solo'] },
      ]);
      expect(snaps.map((s) => [s.task_id, s.name, s.current_state, s.results])).toEqual([
        [t1, 'a', 'completed', { value: 1 }],
        [t1, 'b', 'pending', null],
        [t2, 'solo', 'pending', null],
      ]);
      expect(snaps[0]!.depends_on).toEqual([]);
      expect(snaps[1]!.depends_on).toEqual(['a']);
      expect(await store().listUnfinishedTaskIds()).toEqual([t1, t2]);
      expect(await store().listUnfinishedTaskIds(1)).toEqual([t1]);
      await drain(store());
      expect(await store().listUnfinishedTaskIds()).toEqual([]);
      expect(await store().getTask(987_654)).toBeNull();
      await expect(store().ping()).resolves.toBeUndefined();
      // kind and url agree (a store reporting the other kind, or a URL of another store, fails)
      expect(store().url).toMatch(store().kind === 'sqlite' ? /^sqlite:/ : /^postgres(ql)?:\/\//);
    });

    it('reports the next retry time only while a retry is waiting', async () => {
      expect(await store().nextRetryAt()).toBeNull();
      await create(store(), [step('a'), step('b')]);
      const [a, b] = await claim(store());
      await complete(store(), [retry(a!, 60_000), retry(b!, 30_000)]);
      const next = await store().nextRetryAt();
      const task = (await store().getTask(a!.task.task_id))!;
      expect(next).toBe(Math.min(...task.workflow_steps.map((s) => s.next_attempt_at!)));
    });
  });
}
