// Flow control over real HTTP on both stores: delayed starts and priorities on POST /tasks (with pointed 400s),
// pausing and resuming a task (409 once it has ended), a template and a namespace, and the paused list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

/** Poll until `probe` holds (a hang guard with a generous cap, never a timing assertion). */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(STORE_KINDS)('flow control routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls), pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  const post = (path: string, body?: unknown) =>
    call(api.base, 'POST', path, {
      headers: { 'x-tasker-actor': 'ops:alice' },
      ...(body === undefined ? {} : { body }),
    });
  const get = async (id: number) => (await call(api.base, 'GET', `/tasks/${id}`)).json;

  it('creates a delayed task pending with run_at and waiting_for, and cancels it before it starts', async () => {
    const res = await post('/tasks', { namespace: 'api', name: 'fanout', delay: '1h', priority: 7 });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ current_state: 'pending', waiting_for: 'delay', paused: false, priority: 7 });
    expect(Date.parse(res.json.run_at) - Date.parse(res.json.created_at)).toBe(3_600_000);
    expect(res.json.workflow_steps[0]).toMatchObject({ name: 'start', current_state: 'pending', waiting_for: 'delay' });
    const cancelled = await call(api.base, 'DELETE', `/tasks/${res.json.task_id}`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json).toMatchObject({ current_state: 'cancelled', waiting_for: null });
  });

  it('runs a task once its short delay (milliseconds) has passed', async () => {
    const res = await post('/tasks', { namespace: 'api', name: 'fanout', delay: 150 });
    expect(res.json.current_state).toBe('pending');
    const done = await waitForTaskOverHttp(api.base, res.json.task_id);
    expect(done.json.current_state).toBe('completed');
    const history = (await call(api.base, 'GET', `/tasks/${res.json.task_id}/history`)).json;
    expect(JSON.stringify(history)).toContain('submitted with a delayed start');
  });

  it('refuses run_at with delay, unreadable or absurd times and priorities, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ run_at: '2030-01-01T00:00:00Z', delay: '5m' }, 'delay', /not both/],
      [{ delay: 'soon' }, 'delay', /'delay' must be a duration/],
      [{ delay: -5 }, 'delay', /'delay' must be a duration/],
      [{ delay: '400d' }, 'delay', /more than 365 days/],
      [{ run_at: 'tomorrow' }, 'run_at', /RFC 3339/],
      [{ run_at: '2026-02-30T00:00:00Z' }, 'run_at', /RFC 3339/],
      [{ run_at: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString() }, 'run_at', /365 days ahead/],
      [{ run_at: '2001-01-01T00:00:00Z' }, 'run_at', /in the past/],
      [{ priority: 5000 }, 'priority', /-1000 to 1000/],
    ];
    for (const [fields, field, message] of cases) {
      const res = await post('/tasks', { namespace: 'api', name: 'fanout', ...fields });
      expectError(res, 400, 'invalid_request');
      expect(res.json.error.message, JSON.stringify(fields)).toMatch(message);
      expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expectError(await post('/tasks', { namespace: 'api', name: 'fanout', priority: 1.5 }), 400, 'invalid_request');
  });

  it('pauses a task: its running step finishes, nothing new starts until it is resumed; 409 once it has ended', async () => {
    const created = await post('/tasks', { namespace: 'api', name: 'checkout', context: { order_id: 3, hold: true } });
    const id = created.json.task_id as number;
    await until(async () => (await get(id)).workflow_steps[0].current_state === 'running', 'reserve to run');
    const paused = await post(`/tasks/${id}/pause`, { reason: 'fraud check' });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json).toMatchObject({ task_id: id, changed: true, paused: true, waiting_for: 'paused' });
    expect(paused.json.task).toMatchObject({ current_state: 'running', paused: true, waiting_for: 'paused' });
    expect((await post(`/tasks/${id}/pause`)).json.changed).toBe(false);
    controls.release(id);
    await until(async () => (await get(id)).workflow_steps[0].current_state === 'completed', 'reserve to finish');
    await api.tasker.idle();
    const held = await get(id);
    expect(held.workflow_steps[1]).toMatchObject({ name: 'charge', current_state: 'pending', waiting_for: 'paused' });
    const resumed = await post(`/tasks/${id}/resume`);
    expect(resumed.json).toMatchObject({ changed: true, paused: false, waiting_for: null });
    expect((await waitForTaskOverHttp(api.base, id)).json.current_state).toBe('completed');
    const history = (await call(api.base, 'GET', `/tasks/${id}/history`)).json;
    const text = JSON.stringify(history);
    expect(text).toContain('fraud check');
    expect(text).toContain('ops:alice');
    const late = await post(`/tasks/${id}/pause`);
    expectError(late, 409, 'illegal_action');
    expect(late.json.error.message).toMatch(/cannot pause task \d+: it is completed/);
    expectError(await post('/tasks/999999/pause'), 404, 'not_found');
  });

  it('takes a concurrency key from the context (400 naming a missing field) and lists the slot groups', async () => {
    api.tasker.registerTemplate(
      defineTask({
        name: 'keyed',
        namespace_name: 'api',
        version: '1.0.0',
        module_namespace: 'Fanout',
        concurrency: { key: 'context.customer_id', limit: 1 },
        step_templates: [{ name: 'start' }],
      }),
    );
    const missing = await post('/tasks', { namespace: 'api', name: 'keyed', context: {} });
    expectError(missing, 400, 'invalid_request');
    expect(missing.json.error.details).toEqual([
      { field: 'context.customer_id', message: 'required by the concurrency key of api/keyed' },
    ]);
    const created = await post('/tasks', { namespace: 'api', name: 'keyed', context: { customer_id: 'acme' } });
    expect(created.status, created.text).toBe(201);
    expect((await waitForTaskOverHttp(api.base, created.json.task_id)).json.current_state).toBe('completed');
    const groups = await call(api.base, 'GET', '/concurrency');
    expect(groups.status, groups.text).toBe(200);
    expect(groups.json.groups).toEqual([{ key: 'task:api/keyed:["acme"]', limit: 1, running: 0, waiting: 0 }]);
  });

  it('pauses a template and a namespace: new tasks wait, the paused list shows them, resume releases them', async () => {
    const tpl = await post('/templates/api/fanout/pause', { reason: 'gateway down' });
    expect(tpl.status, tpl.text).toBe(200);
    expect(tpl.json).toMatchObject({ namespace: 'api', name: 'fanout', changed: true });
    const ns = await post('/namespaces/api/pause');
    expect(ns.json).toMatchObject({ namespace: 'api', name: null, changed: true });
    const task = await post('/tasks', { namespace: 'api', name: 'fanout' });
    expect(task.json).toMatchObject({ current_state: 'pending', waiting_for: 'paused', paused: true });
    const listed = await call(api.base, 'GET', '/paused');
    expect(listed.json.paused).toEqual([
      expect.objectContaining({ namespace: 'api', name: null, actor: 'ops:alice' }),
      expect.objectContaining({ namespace: 'api', name: 'fanout', reason: 'gateway down' }),
    ]);
    expect((await post('/namespaces/api/resume')).json.changed).toBe(true);
    await api.tasker.idle();
    expect((await get(task.json.task_id)).current_state).toBe('pending');
    const back = await post('/templates/api/fanout/resume');
    expect(back.json).toMatchObject({ changed: true, tasks: 1 });
    expect((await post('/templates/api/fanout/resume')).json.changed).toBe(false);
    expect((await waitForTaskOverHttp(api.base, task.json.task_id)).json.current_state).toBe('completed');
    expect((await call(api.base, 'GET', '/paused')).json.paused).toEqual([]);
    expectError(await post('/templates/api/fan%2Fout/pause'), 400, 'invalid_request');
  });
});
