// The rerun routes over real HTTP on both stores: rerun a finished task from a step (by name or id) with the scopes
// it needs (steps:operate; admin for context_patch), 409 on a running task, 404/400 on bad input, the bulk route
// (admin) with its dry run, the task JSON's run, and the routes in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const TOKENS = {
  reader: 'reader-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
} as const;
const SCOPES = { reader: ['tasks:read'], operator: ['steps:operate', 'tasks:read'], admin: ['admin'] };
const auth = {
  tokens: (Object.keys(TOKENS) as Array<keyof typeof TOKENS>).map((name) => ({
    name,
    token: TOKENS[name],
    scopes: SCOPES[name],
  })),
};

type StepJson = { workflow_step_id: number; name: string; current_state: string; results: unknown };

describe.each(STORE_KINDS)('rerun routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) }, { auth });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  async function finishedCheckout(context: Record<string, unknown>, tags: string[] = []): Promise<number> {
    const res = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context, tags },
      token: TOKENS.admin,
    });
    expect(res.status, res.text).toBe(201);
    await api.tasker.waitForTask(res.json.task_id, { timeoutMs: 20_000 });
    return res.json.task_id;
  }
  const rerun = (id: number, step: string | number, body: unknown, token: string) =>
    call(api.base, 'POST', `/tasks/${id}/workflow_steps/${step}/rerun`, { body, token });

  it('reruns a completed task from a step by name with steps:operate; the task JSON carries the run', async () => {
    const id = await finishedCheckout({ order_id: 5 });
    expectError(await rerun(id, 'charge', { reason: 'r' }, TOKENS.reader), 403, 'forbidden');
    const res = await rerun(id, 'charge', { reason: 'refund bug fixed' }, TOKENS.operator);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ task_id: id, current_state: 'running', run: 2 });
    const states = Object.fromEntries(res.json.workflow_steps.map((s: StepJson) => [s.name, s.current_state]));
    expect(states).toMatchObject({ reserve: 'completed' });
    expect(['pending', 'running', 'completed']).toContain(states.charge);
    const task = await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(task).toMatchObject({ current_state: 'completed', run: 2 });
    const list = await call(api.base, 'GET', '/tasks?sort=task_id&order=desc&limit=1', { token: TOKENS.reader });
    expect(list.json.tasks[0]).toMatchObject({ task_id: id, run: 2 });
    const history = await api.tasker.getHistory(id);
    expect(history.find((h) => h.step_id === null && h.from_state === 'completed')).toMatchObject({
      actor: 'token:operator',
      reason: 'rerun from charge: refund bug fixed',
      run: 2,
    });
  });

  it('answers 409 on a running task, 404 on an unknown step, 400 without a reason', async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 6, hold: true } },
      token: TOKENS.admin,
    });
    const id = created.json.task_id;
    const running = await rerun(id, 'reserve', { reason: 'too early' }, TOKENS.operator);
    expectError(running, 409, 'illegal_action');
    expect(running.json.error.message).toContain('only completed or failed tasks can be rerun');
    controls.release(id);
    await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    expectError(await rerun(id, 'nope', { reason: 'r' }, TOKENS.operator), 404, 'not_found');
    expectError(await rerun(id, 999_999, { reason: 'r' }, TOKENS.operator), 404, 'not_found');
    expectError(await rerun(id, 'reserve', {}, TOKENS.operator), 400, 'invalid_request');
    expectError(await rerun(id, 'reserve', { reason: 'r', downstream: 'yes' }, TOKENS.operator), 400);
  });

  it('needs admin for context_patch, validates it, and reruns by step id with downstream false', async () => {
    const id = await finishedCheckout({ order_id: 7 });
    const task = (await call(api.base, 'GET', `/tasks/${id}`, { token: TOKENS.reader })).json;
    const ship = task.workflow_steps.find((s: StepJson) => s.name === 'ship').workflow_step_id;
    const patch = { reason: 'new order', context_patch: { order_id: 8 } };
    const forbidden = await rerun(id, ship, patch, TOKENS.operator);
    expectError(forbidden, 403, 'forbidden');
    expect(forbidden.json.error.message).toContain('context_patch');
    const invalid = await rerun(id, ship, { reason: 'x', context_patch: { order_id: 0 } }, TOKENS.admin);
    expectError(invalid, 400, 'invalid_request');
    const res = await rerun(id, ship, { ...patch, downstream: false }, TOKENS.admin);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ run: 2, context: { order_id: 8 } });
    const done = await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    const results = Object.fromEntries(done.workflow_steps.map((s) => [s.name, s.results]));
    expect(results).toEqual({
      reserve: { step: 'reserve', order_id: 7 },
      charge: { step: 'charge', order_id: 7 },
      ship: { step: 'ship', order_id: 8 },
    });
  });

  it('reruns in bulk with admin only; a dry run counts and changes nothing', async () => {
    const ids = [
      await finishedCheckout({ order_id: 20 }, ['batch']),
      await finishedCheckout({ order_id: 21 }, ['batch']),
    ];
    const body = { filter: { namespace: 'api', name: 'checkout', tag: 'batch' }, step: 'ship', dry_run: true };
    expectError(await call(api.base, 'POST', '/tasks/rerun', { body, token: TOKENS.operator }), 403, 'forbidden');
    const dry = await call(api.base, 'POST', '/tasks/rerun', { body, token: TOKENS.admin });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json).toEqual({ matched: 2, rerun: 0, task_ids: ids, errors: [], dry_run: true });
    expect((await api.tasker.getTask(ids[0]!))!.run).toBe(1);
    const real = await call(api.base, 'POST', '/tasks/rerun', {
      body: { ...body, dry_run: false, reason: 'ship again', batch_size: 1 },
      token: TOKENS.admin,
    });
    expect(real.json).toEqual({ matched: 2, rerun: 2, task_ids: ids, errors: [], dry_run: false });
    for (const id of ids) expect(await api.tasker.waitForTask(id, { timeoutMs: 20_000 })).toMatchObject({ run: 2 });
    const noReason = await call(api.base, 'POST', '/tasks/rerun', {
      body: { ...body, dry_run: false },
      token: TOKENS.admin,
    });
    expectError(noReason, 400, 'invalid_request');
    const badTime = { ...body, filter: { created_after: 'yesterday' } };
    expectError(await call(api.base, 'POST', '/tasks/rerun', { body: badTime, token: TOKENS.admin }), 400);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.reader })).json;
    expect(doc.paths['/tasker/tasks/{id}/workflow_steps/{step_id}/rerun'].post.operationId).toBe('rerunFromStep');
    expect(doc.paths['/tasker/tasks/rerun'].post.operationId).toBe('rerunTasks');
  });
});
