// Time filters of GET /tasks accept every RFC 3339 time the schema lets through, on both stores: years 0000 and
// 9999, leap seconds (23:59:60 counts as the next second, as POSIX clocks do), lower-case t/z, a space separator,
// offsets with and without a colon and sub-millisecond fractions; none of them answers 500. The library's listTasks
// takes any finite epoch milliseconds, even far outside what PostgreSQL's timestamptz holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

describe.each(STORE_KINDS)('created_after / created_before on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let ids: number[] = [];

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()), concurrency: 0 });
    for (let i = 0; i < 2; i++) {
      const res = await call(api.base, 'POST', '/tasks', {
        body: { namespace: 'api', name: 'checkout', context: { order_id: i + 1 } },
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.task_id);
    }
    ids = ids.sort((a, b) => b - a);
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  async function listed(query: string): Promise<number[]> {
    const res = await call(api.base, 'GET', `/tasks?sort=task_id&${query}`);
    expect(res.status, `${query}: ${res.text}`).toBe(200);
    return res.json.tasks.map((t: { task_id: number }) => t.task_id);
  }

  it('takes year 0000 and year 9999 bounds', async () => {
    expect(await listed('created_after=0000-01-01T00:00:00Z')).toEqual(ids);
    expect(await listed('created_before=0000-01-01T00:00:00Z')).toEqual([]);
    expect(await listed('created_before=9999-12-31T23:59:59.999Z')).toEqual(ids);
    expect(await listed('created_after=9999-12-31T23:59:59.999Z')).toEqual([]);
  });

  it('takes leap seconds as the next second', async () => {
    expect(await listed('created_after=2016-12-31T23:59:60Z')).toEqual(ids);
    expect(
      await listed(
        `created_after=${encodeURIComponent('1990-12-31T23:59:60+00:00')}&created_before=9998-12-31T23:59:60Z`,
      ),
    ).toEqual(ids);
    expect(await listed('created_before=2016-12-31T23:59:60Z')).toEqual([]);
  });

  it('takes lower-case t and z, a space separator, offsets and long fractions', async () => {
    for (const t of [
      '2001-02-03t04:05:06z',
      '2001-02-03 04:05:06Z',
      '2001-02-03T04:05:06.123456789+05:30',
      '2001-02-03T04:05:06+0530',
      '2001-02-03T04:05:06-01',
    ]) {
      expect(await listed(`created_after=${encodeURIComponent(t)}`), t).toEqual(ids);
      expect(await listed(`created_before=${encodeURIComponent(t)}`), t).toEqual([]);
    }
  });

  it('refuses times that are not RFC 3339 with 400 naming the parameter', async () => {
    for (const t of [
      '2001-02-30T00:00:00Z',
      '2001-02-03T24:00:00Z',
      '2001-02-03T04:05:06',
      'yesterday',
      '2016-12-31T23:58:60Z',
    ]) {
      const res = await call(api.base, 'GET', `/tasks?created_after=${encodeURIComponent(t)}`);
      expectError(res, 400, 'invalid_request');
      expect(
        res.json.error.details.map((d: { field: string }) => d.field),
        t,
      ).toContain('query.created_after');
    }
  });

  it('lists through the library with bounds far outside any stored time', async () => {
    const all = (f: Record<string, number>) =>
      api.tasker.listTasks({ sort: 'task_id', ...f }).then((p) => p.tasks.map((t) => t.task_id));
    expect(await all({ created_after: -8.64e15 })).toEqual(ids);
    expect(await all({ created_after: -1e300, created_before: 1e300 })).toEqual(ids);
    expect(await all({ created_before: -1e300 })).toEqual([]);
    expect(await all({ created_after: 8.64e15 })).toEqual([]);
  });
});
