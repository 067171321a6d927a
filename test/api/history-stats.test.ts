// Task history, stats and the task list's tag and q filters over real HTTP on both stores: history pages by id with
// errors and actors, the overview's figures after tasks that completed after retries and failed, and searches by tag,
// id, correlation id and idempotency key (exact or prefix), with bad input refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';

describe.each(STORE_KINDS)('history, stats and list filters on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let flakyId: number;
  let failedId: number;

  const submit = async (body: Record<string, unknown>) => {
    const res = await call(api.base, 'POST', '/tasks', { body });
    expect(res.status, res.text).toBe(201);
    return res.json.task_id as number;
  };

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) });
    flakyId = await submit({ namespace: 'ops', name: 'flaky' });
    failedId = await submit({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 1, fail_steps: ['charge'] },
    });
    await api.tasker.waitForTask(flakyId, { timeoutMs: 20_000 });
    await api.tasker.waitForTask(failedId, { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('pages the history of a task and its steps by id, oldest first', async () => {
    const whole = await call(api.base, 'GET', `/tasks/${flakyId}/history`);
    expect(whole.status, whole.text).toBe(200);
    expect(whole.json.task_id).toBe(flakyId);
    expect(whole.json.next_after).toBeNull();
    const rows = whole.json.history;
    expect(rows.map((r: any) => `${r.step ?? '-'} ${r.from_state}>${r.to_state}`)).toEqual([
      '- pending>running',
      'wobble pending>running',
      'wobble running>retrying',
      'wobble retrying>running',
      'wobble running>retrying',
      'wobble retrying>running',
      'wobble running>completed',
      'settle pending>running',
      'settle running>completed',
      '- running>completed',
    ]);
    expect(rows[2]).toMatchObject({
      run: 1,
      attempt: 1,
      actor: api.tasker.workerId,
      reason: 'retry scheduled',
      workflow_step_id: expect.any(Number),
      error: { message: 'wobble attempt 1 failed', class: 'Error', code: null, stack: expect.any(String) },
    });
    expect(rows[0]).toMatchObject({ workflow_step_id: null, step: null, error: null, at: expect.stringMatching(/Z$/) });
    const ids = rows.map((r: any) => r.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));

    const first = (await call(api.base, 'GET', `/tasks/${flakyId}/history?limit=4`)).json;
    expect(first.history).toEqual(rows.slice(0, 4));
    expect(first.next_after).toBe(ids[3]);
    const second = (await call(api.base, 'GET', `/tasks/${flakyId}/history?limit=6&after=${first.next_after}`)).json;
    expect(second.history).toEqual(rows.slice(4));
    expect(second.next_after).toBeNull();
    const beyond = (await call(api.base, 'GET', `/tasks/${flakyId}/history?after=${ids[9]}`)).json;
    expect(beyond).toEqual({ task_id: flakyId, history: [], next_after: null });
  });

  it('answers 404 for an unknown task and 400 for bad paging', async () => {
    expectError(await call(api.base, 'GET', '/tasks/987654/history'), 404, 'not_found');
    for (const query of ['limit=0', 'limit=1001', 'after=-1', 'after=x', 'colour=red']) {
      expectError(await call(api.base, 'GET', `/tasks/${flakyId}/history?${query}`), 400, 'invalid_request');
    }
  });

  it("gives the overview's figures", async () => {
    const res = await call(api.base, 'GET', '/stats');
    expect(res.status, res.text).toBe(200);
    const s = res.json;
    expect(s.tasks).toEqual({ pending: 0, running: 0, completed: 1, failed: 1, cancelled: 0, resolved_manually: 0 });
    expect(s.steps).toMatchObject({ completed: 3, failed: 1, pending: 1, running: 0, retrying: 0 });
    expect(s.last_hour).toEqual({ completed: 1, failed: 1, retried: 2 });
    expect(s.last_day).toEqual({ completed: 1, failed: 1, retried: 2 });
    expect(s.ready_steps).toBe(0);
    expect(s.oldest_ready_age_seconds).toBeNull();
    expect(s.failing_templates).toEqual([{ namespace: 'api', name: 'checkout', version: '1.0.0', failed: 1 }]);
    expect(s.workers).toContainEqual({
      worker_id: api.tasker.workerId,
      host: expect.any(String),
      pid: process.pid,
      last_heartbeat_at: expect.stringMatching(/Z$/),
      alive: true,
    });
    expect(Math.abs(Date.parse(s.generated_at) - Date.now())).toBeLessThan(60_000);
    expectError(await call(api.base, 'GET', '/stats?x=1'), 400, 'invalid_request');
  });

  it('shows the queue lag of steps waiting for a worker', async () => {
    await api.tasker.stop();
    try {
      await submit({ namespace: 'ops', name: 'flaky' });
      const s = (await call(api.base, 'GET', '/stats')).json;
      expect(s.ready_steps).toBe(1);
      expect(s.oldest_ready_age_seconds).toBeGreaterThanOrEqual(0);
      expect(s.tasks.running).toBe(1);
    } finally {
      await api.tasker.start();
    }
  });

  it('filters the task list by tags (all of them) and by id, correlation id or idempotency key', async () => {
    const make = (tags: string[], extra: Record<string, unknown> = {}) =>
      submit({ namespace: 'api', name: 'fanout', tags, ...extra });
    const a = await make(['eu', 'vip'], { idempotency_key: 'invoice-2024-001' });
    const b = await make(['eu'], { idempotency_key: 'invoice-2024-002' });
    const c = await make(['us', 'vip'], { idempotency_key: 'refund-77' });
    const list = async (query: string) => {
      const res = await call(api.base, 'GET', `/tasks?sort=task_id&order=asc&${query}`);
      expect(res.status, res.text).toBe(200);
      return res.json.tasks.map((t: { task_id: number }) => t.task_id);
    };
    expect(await list('tag=vip')).toEqual([a, c]);
    expect(await list('tag=vip&tag=eu')).toEqual([a]);
    expect(await list('tag=nope')).toEqual([]);
    expect(await list('q=invoice-2024')).toEqual([a, b]);
    expect(await list('q=invoice-2024-002')).toEqual([b]);
    expect(await list('q=refund-77&tag=vip')).toEqual([c]);
    expect(await list(`q=${c}`)).toContain(c);
    const correlation = (await call(api.base, 'GET', `/tasks/${b}`)).json.correlation_id as string;
    expect(await list(`q=${encodeURIComponent(correlation)}`)).toEqual([b]);
    expect(await list(`q=${encodeURIComponent(correlation.slice(0, 12))}`)).toContain(b);
    const page = (await call(api.base, 'GET', '/tasks?tag=eu&limit=1&sort=task_id&order=asc')).json;
    const next = (
      await call(api.base, 'GET', `/tasks?tag=eu&limit=1&sort=task_id&order=asc&cursor=${page.next_cursor}`)
    ).json;
    expect([...page.tasks, ...next.tasks].map((t: { task_id: number }) => t.task_id)).toEqual([a, b]);
    expectError(await call(api.base, 'GET', '/tasks?q='), 400, 'invalid_request');
    expectError(await call(api.base, 'GET', `/tasks?q=${'x'.repeat(256)}`), 400, 'invalid_request');
    expectError(await call(api.base, 'GET', '/tasks?tag='), 400, 'invalid_request');
    const many = [...Array(21).keys()].map((i) => `tag=t${i}`).join('&');
    expectError(await call(api.base, 'GET', `/tasks?${many}`), 400, 'invalid_request');
  });
});
