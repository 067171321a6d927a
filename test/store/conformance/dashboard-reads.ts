// Conformance: the reads of the dashboard — a task's history paged by id, the live feed's reads of every task's
// history (historySince, historyRows, lastHistoryId), activity() (ends and retries of the last hour and day, the
// ready queue, the most failing templates) and the task list's tag and q filters.
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/core/errors.js';
import type { TaskListFilter } from '../../../src/core/store-contract.js';
import { claim, complete, create, drain, fail, linear, type MakeStore, retry, step, useStore } from './fixtures.js';

export function dashboardReadTests(makeStore: MakeStore): void {
  describe('history by id', () => {
    const store = useStore(makeStore);

    it('pages a task history by id: the same rows as getHistory, with ids, runs and errors', async () => {
      const id = await create(store(), linear());
      const other = await create(store(), [step('z')]);
      const [a] = await claim(store(), 'w1', 1);
      await complete(store(), [retry(a!, 0, 'flaky')], 'w1');
      await drain(store());
      const whole = await store().getHistory(id);
      const first = await store().history.getHistoryPage(id, { limit: 4 });
      expect(first).toHaveLength(4);
      const rest = await store().history.getHistoryPage(id, { after: first[3]!.history_id, limit: 1000 });
      const paged = [...first, ...rest];
      expect(paged.map(({ history_id: _id, ...row }) => row)).toEqual(whole);
      const ids = paged.map((r) => r.history_id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
      expect(paged.every((r) => r.run === 1 && r.task_id === id)).toBe(true);
      const retried = paged.find((r) => r.to_state === 'retrying')!;
      expect(retried).toMatchObject({
        step_name: 'a',
        attempt: 1,
        error: { message: 'flaky', class: 'RetryableError' },
      });
      expect(retried.error!.stack).toContain('at handler');
      expect(await store().history.getHistoryPage(id, { after: ids[ids.length - 1]!, limit: 10 })).toEqual([]);
      expect(await store().history.getHistoryPage(987_654, { limit: 10 })).toEqual([]);
      expect((await store().history.getHistoryPage(other, { limit: 10 })).every((r) => r.task_id === other)).toBe(true);
    });

    it('refuses bad pages', async () => {
      const id = await create(store(), [step('a')]);
      for (const limit of [0, 5001, 1.5]) {
        await expect(store().history.getHistoryPage(id, { limit })).rejects.toBeInstanceOf(InvalidRequestError);
      }
      await expect(store().history.getHistoryPage(id, { after: -1, limit: 5 })).rejects.toThrow(/after must be/);
      await expect(store().history.historySince(0, 0)).rejects.toThrow(/limit must be/);
      await expect(store().history.historyRows([0])).rejects.toThrow(/bad history id/);
    });

    it('reads every task history after an id, with the task identity, and rows again by id', async () => {
      expect(await store().history.lastHistoryId()).toBe(0);
      expect(await store().history.historySince(0, 10)).toEqual([]);
      const t1 = await create(store(), [step('a')], { namespace: 'ns1', name: 'one' });
      const start = await store().history.lastHistoryId();
      expect(start).toBeGreaterThan(0);
      const t2 = await create(store(), [step('b')], { namespace: 'ns2', name: 'two' });
      await drain(store());
      const since = await store().history.historySince(start, 100);
      expect(since.length).toBeGreaterThan(0);
      expect(since.every((r) => r.history_id > start)).toBe(true);
      const ids = since.map((r) => r.history_id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(since[0]).toMatchObject({
        task_id: t2,
        namespace: 'ns2',
        name: 'two',
        step_id: null,
        to_state: 'running',
      });
      const stepRow = since.find((r) => r.task_id === t1 && r.to_state === 'completed' && r.step_id !== null)!;
      expect(stepRow).toMatchObject({ namespace: 'ns1', name: 'one', step_name: 'a', attempt: 1, actor: 'w1' });
      expect(await store().history.lastHistoryId()).toBe(ids[ids.length - 1]);
      expect((await store().history.historySince(start, 2)).map((r) => r.history_id)).toEqual(ids.slice(0, 2));
      const again = await store().history.historyRows([ids[2]!, ids[0]!, 999_999]);
      expect(again.map((r) => r.history_id)).toEqual([ids[0], ids[2]]);
      expect(again[0]).toEqual(since[0]);
      expect(await store().history.historyRows([])).toEqual([]);
    });
  });

  describe('activity', () => {
    const store = useStore(makeStore);

    it('counts task ends and retries of the last hour and day, the ready queue and failing templates', async () => {
      const empty = await store().activity();
      expect(empty).toMatchObject({
        last_hour: { completed: 0, failed: 0, retried: 0 },
        last_day: { completed: 0, failed: 0, retried: 0 },
        ready_steps: 0,
        oldest_ready_at: null,
        failing_templates: [],
      });
      expect(Math.abs(empty.now - Date.now())).toBeLessThan(60_000);
      await create(store(), [step('a')], { name: 'good' });
      await create(store(), [step('a')], { name: 'bad' });
      await create(store(), [step('a')], { name: 'bad' });
      await create(store(), [step('a')], { name: 'worse', version: '2.0.0' });
      const waiting = await store().activity();
      expect(waiting.ready_steps).toBe(4);
      expect(waiting.oldest_ready_at).toBeLessThanOrEqual(waiting.now);
      for (const c of await claim(store(), 'w', 10)) {
        if (c.task.name === 'good') await complete(store(), [retry(c, 0)], 'w');
        else await complete(store(), [fail(c)], 'w');
      }
      await drain(store());
      const a = await store().activity();
      expect(a.last_hour).toEqual({ completed: 1, failed: 3, retried: 1 });
      expect(a.last_day).toEqual({ completed: 1, failed: 3, retried: 1 });
      expect(a.ready_steps).toBe(0);
      expect(a.oldest_ready_at).toBeNull();
      expect(a.failing_templates).toEqual([
        { namespace: 'conformance', name: 'bad', version: '1.0.0', failed: 2 },
        { namespace: 'conformance', name: 'worse', version: '2.0.0', failed: 1 },
      ]);
    });

    it('lists at most ten failing templates', async () => {
      for (let i = 0; i < 12; i++) await create(store(), [step('a')], { name: `t${String(i).padStart(2, '0')}` });
      for (const c of await claim(store(), 'w', 20)) await complete(store(), [fail(c)], 'w');
      const a = await store().activity();
      expect(a.last_day.failed).toBe(12);
      expect(a.failing_templates.map((f) => f.name)).toEqual([...Array(10).keys()].map((i) => `t0${i}`.slice(-3)));
    });
  });

  describe('listTasks: tag and q', () => {
    const store = useStore(makeStore);

    async function seed(): Promise<number[]> {
      return [
        await create(store(), [step('a')], {
          tags: ['red', 'big'],
          correlation_id: 'order-100',
          idempotency_key: 'k-1',
        }),
        await create(store(), [step('a')], { tags: ['red'], correlation_id: 'order-101', idempotency_key: null }),
        await create(store(), [step('a')], { tags: ['big'], correlation_id: 'refund-7', idempotency_key: 'order-9x' }),
        await create(store(), [step('a')], { tags: [], correlation_id: 'ünï-€-𝄞', idempotency_key: 'k-2' }),
      ];
    }

    const pick = async (ids: number[], filter: TaskListFilter) =>
      (await store().listTasks({ sort: 'task_id', order: 'asc', ...filter })).tasks.map((t) => ids.indexOf(t.task_id));

    it('filters by tags, all of them', async () => {
      const ids = await seed();
      expect(await pick(ids, { tags: ['red'] })).toEqual([0, 1]);
      expect(await pick(ids, { tags: ['red', 'big'] })).toEqual([0]);
      expect(await pick(ids, { tags: ['big', 'big'] })).toEqual([0, 2]);
      expect(await pick(ids, { tags: ['green'] })).toEqual([]);
      expect(await pick(ids, { tags: [] })).toEqual([0, 1, 2, 3]);
      expect(await pick(ids, { tags: ['big'], state: 'running' })).toEqual([0, 2]);
    });

    it('searches ids, correlation ids and idempotency keys, exactly or by prefix', async () => {
      const ids = await seed();
      expect(await pick(ids, { q: 'order-' })).toEqual([0, 1, 2]);
      expect(await pick(ids, { q: 'order-10' })).toEqual([0, 1]);
      expect(await pick(ids, { q: 'order-101' })).toEqual([1]);
      expect(await pick(ids, { q: 'order-1010' })).toEqual([]);
      expect(await pick(ids, { q: 'k-' })).toEqual([0, 3]);
      expect(await pick(ids, { q: 'ünï-€' })).toEqual([3]);
      expect(await pick(ids, { q: 'ünï-€-𝄞' })).toEqual([3]);
      expect(await pick(ids, { q: 'ORDER' })).toEqual([]);
      expect(await pick(ids, { q: String(ids[2]) })).toContain(2);
      expect(await pick(ids, { q: 'order-', tags: ['red'] })).toEqual([0, 1]);
      const paged = await store().listTasks({ q: 'order-', limit: 2, sort: 'task_id', order: 'desc' });
      expect(paged.tasks.map((t) => ids.indexOf(t.task_id))).toEqual([2, 1]);
      const next = await store().listTasks({
        q: 'order-',
        limit: 2,
        sort: 'task_id',
        order: 'desc',
        cursor: paged.next_cursor,
      });
      expect(next.tasks.map((t) => ids.indexOf(t.task_id))).toEqual([0]);
      expect(next.next_cursor).toBeNull();
    });

    it('refuses bad tags and search text', async () => {
      await seed();
      await expect(store().listTasks({ q: '' })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(store().listTasks({ q: 'a\u0000b' })).rejects.toThrow(/NUL/);
      await expect(store().listTasks({ q: '\uD800x' })).rejects.toThrow(/lone surrogates/);
      await expect(store().listTasks({ q: 'x'.repeat(256) })).rejects.toThrow(/1 to 255/);
      await expect(store().listTasks({ tags: [''] })).rejects.toThrow(/non-empty strings/);
      await expect(store().listTasks({ tags: 'red' as never })).rejects.toThrow(/array/);
      const many = [...Array(21).keys()].map((i) => `t${i}`);
      await expect(store().listTasks({ tags: many })).rejects.toThrow(/at most 20 tags/);
    });
  });
}
