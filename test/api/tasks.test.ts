// Task routes over real HTTP on both stores: create (201, field errors, duplicates), read, list with filters and
// keyset pagination, and cancel — each error case answering the envelope and creating nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, taskCount, type ApiHarness } from './support/api.js';

describe.each(STORE_KINDS)('task routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  const post = (body: unknown, headers?: Record<string, string>) =>
    call(api.base, 'POST', '/tasks', { body, ...(headers ? { headers } : {}) });

  it('creates a task: 201, a Location header, and exactly the engine task JSON', async () => {
    const res = await post({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 7 },
      initiator: 'alice',
      source_system: 'shop',
      reason: 'new order',
      tags: ['web', 'eu'],
    });
    expect(res.status, res.text).toBe(201);
    const id = res.json.task_id;
    expect(res.headers.get('location')).toBe(`/tasker/tasks/${id}`);
    expect(res.json).toMatchObject({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 7 },
      initiator: 'alice',
      source_system: 'shop',
      reason: 'new order',
      tags: ['web', 'eu'],
    });
    expect(res.json.workflow_steps.map((s: { name: string }) => s.name)).toEqual(['reserve', 'charge', 'ship']);
    await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    const got = await call(api.base, 'GET', `/tasks/${id}`);
    // The response schema serialises without losing or changing anything.
    expect(got.json).toEqual(JSON.parse(JSON.stringify(await api.tasker.getTask(id))));
    expect(got.json.current_state).toBe('completed');
    expect(got.json.workflow_steps[0]).toMatchObject({
      name: 'reserve',
      current_state: 'completed',
      results: { step: 'reserve', order_id: 7 },
      attempts: 1,
    });
  });

  it('picks the latest version unless one is named', async () => {
    const latest = await post({ namespace: 'api', name: 'checkout', context: { order_id: 1 } });
    expect(latest.json.version).toBe('2.0.0');
    expect(latest.json.workflow_steps).toHaveLength(4);
    const older = await post({ namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 1 } });
    expect(older.json.version).toBe('1.0.0');
  });

  it('answers 400 with field errors for unknown templates, versions, bad contexts and bypass steps, creating nothing', async () => {
    const before = await taskCount(api.tasker);
    const unknown = await post({ namespace: 'api', name: 'nope', context: {} });
    expectError(unknown, 400, 'invalid_request');
    expect(unknown.json.error.details).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(unknown.json.error.message).toContain('api/checkout');

    const version = await post({ namespace: 'api', name: 'checkout', version: '9.9.9', context: { order_id: 1 } });
    expectError(version, 400, 'invalid_request');
    expect(version.json.error.details).toEqual([expect.objectContaining({ field: 'version' })]);
    expect(version.json.error.message).toContain('1.0.0, 2.0.0');

    const context = await post({ namespace: 'api', name: 'checkout', context: { order_id: 'seven', hold: 3 } });
    expectError(context, 400, 'invalid_request');
    expect(context.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'context.hold',
      'context.order_id',
    ]);

    const missing = await post({ namespace: 'api', name: 'checkout', context: {} });
    expectError(missing, 400, 'invalid_request');
    expect(missing.json.error.message).toContain('order_id');

    const bypass = await post({ namespace: 'api', name: 'checkout', context: { order_id: 1 }, bypass_steps: ['nope'] });
    expectError(bypass, 400, 'invalid_request');
    expect(bypass.json.error.details).toEqual([expect.objectContaining({ field: 'bypass_steps' })]);
    expect(await taskCount(api.tasker)).toBe(before);
  });

  it('answers 409 with the existing task_id on a repeated idempotency_key', async () => {
    const first = await post({
      namespace: 'api',
      name: 'checkout',
      context: { order_id: 3 },
      idempotency_key: 'order-3',
    });
    expect(first.status).toBe(201);
    const before = await taskCount(api.tasker);
    const again = await post({
      namespace: 'api',
      name: 'checkout',
      context: { order_id: 3 },
      idempotency_key: 'order-3',
    });
    expectError(again, 409, 'duplicate');
    expect(again.json.error.details).toEqual({ task_id: first.json.task_id });
    expect(await taskCount(api.tasker)).toBe(before);
  });

  it('reads a task: 404 for an unknown id, 400 for malformed ones', async () => {
    const missing = await call(api.base, 'GET', '/tasks/987654');
    expectError(missing, 404, 'not_found');
    expect(missing.json.error.details).toEqual({ task_id: 987654 });
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999', '1x', '%20']) {
      expectError(await call(api.base, 'GET', `/tasks/${bad}`), 400, 'invalid_request');
    }
  });

  it('lists tasks with filters', async () => {
    const created = [];
    for (let i = 0; i < 3; i++)
      created.push((await post({ namespace: 'api', name: 'fanout', context: { i } })).json.task_id);
    for (const id of created) await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    const byName = await call(api.base, 'GET', '/tasks?namespace=api&name=fanout&state=completed');
    expect(byName.status, byName.text).toBe(200);
    expect(byName.json.tasks.map((t: { task_id: number }) => t.task_id).sort((a: number, b: number) => a - b)).toEqual(
      created,
    );
    expect(Object.keys(byName.json.tasks[0]).sort()).toEqual(
      [
        'task_id',
        'namespace',
        'name',
        'version',
        'current_state',
        'initiator',
        'source_system',
        'reason',
        'tags',
        'idempotency_key',
        'correlation_id',
        'run',
        'created_at',
        'completed_at',
        'priority',
        'run_at',
        'waiting_for',
        'paused',
      ].sort(),
    );
    const none = await call(api.base, 'GET', '/tasks?namespace=api&name=fanout&state=failed&state=cancelled');
    expect(none.json.tasks).toEqual([]);
    const v1 = await call(api.base, 'GET', '/tasks?namespace=api&name=checkout&version=1.0.0&limit=100');
    expect(v1.json.tasks.length).toBeGreaterThan(0);
    expect(v1.json.tasks.every((t: { version: string }) => t.version === '1.0.0')).toBe(true);

    const all = (await call(api.base, 'GET', '/tasks?limit=100&sort=task_id&order=asc')).json.tasks;
    const pivot = all[Math.floor(all.length / 2)];
    const after = await call(api.base, 'GET', `/tasks?limit=100&created_after=${encodeURIComponent(pivot.created_at)}`);
    expect(after.json.tasks.every((t: { created_at: string }) => t.created_at > pivot.created_at)).toBe(true);
    const beforeIt = await call(
      api.base,
      'GET',
      `/tasks?limit=100&created_before=${encodeURIComponent(pivot.created_at)}`,
    );
    expect(beforeIt.json.tasks.every((t: { created_at: string }) => t.created_at < pivot.created_at)).toBe(true);
  });

  it('pages through every task exactly once with keyset cursors', async () => {
    for (let i = 0; i < 5; i++) await post({ namespace: 'ops', name: 'flaky', context: { i } });
    const everything = (await call(api.base, 'GET', '/tasks?limit=100&sort=task_id&order=desc')).json.tasks.map(
      (t: { task_id: number }) => t.task_id,
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/tasks?limit=2&sort=task_id&order=desc${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(api.base, 'GET', q);
      expect(page.status, page.text).toBe(200);
      expect(page.json.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.tasks.map((t: { task_id: number }) => t.task_id));
      cursor = page.json.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(everything);
    expect(pages).toBe(Math.ceil(everything.length / 2));

    const first = await call(api.base, 'GET', '/tasks?limit=1&sort=task_id');
    const mismatched = await call(api.base, 'GET', `/tasks?limit=1&sort=created_at&cursor=${first.json.next_cursor}`);
    expectError(mismatched, 400, 'invalid_request');
    expect(mismatched.json.error.message).toContain('cursor');
    expectError(await call(api.base, 'GET', '/tasks?cursor=bm9wZQ'), 400, 'invalid_request');
  });

  it('rejects bad list queries with 400', async () => {
    for (const q of [
      'limit=0',
      'limit=101',
      'limit=-1',
      'limit=abc',
      'limit=1e400',
      'limit=99999999999999999999',
      'sort=name',
      'order=up',
      'state=done',
      'created_after=yesterday',
      'cursor=%24%24',
      'colour=red',
    ]) {
      const res = await call(api.base, 'GET', `/tasks?${q}`);
      expectError(res, 400, 'invalid_request');
    }
  });

  it('cancels an unfinished task, records who did it, and answers 409 once it has ended', async () => {
    const created = await post({ namespace: 'api', name: 'checkout', context: { order_id: 9, hold: true } });
    const id = created.json.task_id;
    const cancelled = await call(api.base, 'DELETE', `/tasks/${id}?reason=customer%20changed%20mind`, {
      headers: { 'x-tasker-actor': 'support:bob' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.current_state).toBe('cancelled');
    expect(cancelled.json.workflow_steps.map((s: { current_state: string }) => s.current_state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    const history = await api.tasker.store.getHistory(id);
    expect(history.find((h) => h.step_id === null && h.to_state === 'cancelled')).toMatchObject({
      actor: 'support:bob',
      reason: 'customer changed mind',
    });

    const again = await call(api.base, 'DELETE', `/tasks/${id}`);
    expectError(again, 409, 'illegal_action');
    expect(again.json.error.details).toMatchObject({ task_id: id, task_state: 'cancelled' });
    expectError(await call(api.base, 'DELETE', '/tasks/987654'), 404, 'not_found');
    expectError(await call(api.base, 'DELETE', '/tasks/zero'), 400, 'invalid_request');
    expectError(await call(api.base, 'DELETE', `/tasks/${id}?reason=${'x'.repeat(1001)}`), 400, 'invalid_request');
  });
});
