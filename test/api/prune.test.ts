// The prune route over real HTTP on both stores: admin only; a dry run counts; max_batches bounds a request and `more`
// says to send it again; the cutoffs come back as RFC 3339 times; a running task is never deleted; bad bodies are 400
// naming the field; the route is in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { sleep } from '../support/engine.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const TOKENS = {
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
} as const;
const auth = {
  tokens: [
    { name: 'operator', token: TOKENS.operator, scopes: ['steps:operate', 'tasks:read', 'tasks:write'] },
    { name: 'admin', token: TOKENS.admin, scopes: ['admin'] },
  ],
};

describe.each(STORE_KINDS)('prune route on $kind', ({ make }) => {
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

  const submit = async (context: Record<string, unknown>) => {
    const res = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context },
      token: TOKENS.admin,
    });
    expect(res.status, res.text).toBe(201);
    return res.json.task_id as number;
  };
  const prune = (body: unknown, token: string = TOKENS.admin) =>
    call(api.base, 'POST', '/tasks/prune', { body, token });

  it('prunes finished tasks with admin only, a bounded number of batches per request, never a running one', async () => {
    const held = await submit({ order_id: 1, hold: true });
    const done: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const id = await submit({ order_id: 10 + i });
      await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
      done.push(id);
    }
    await sleep(5);
    expectError(await prune({ completed_before: '0s' }, TOKENS.operator), 403, 'forbidden');

    const dry = await prune({ completed_before: '0s', failed_before: '90d', dry_run: true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json).toMatchObject({
      dry_run: true,
      tasks: 3,
      tasks_by_state: { completed: 3 },
      steps: 9,
      step_edges: null,
      transitions: null,
      annotations: null,
      batches: 0,
    });
    expect(dry.json.cutoffs.completed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(dry.json.cutoffs.failed)).toBeLessThan(Date.parse(dry.json.cutoffs.completed));

    const first = await prune({ completed_before: '0s', batch_size: 1, max_batches: 2 });
    expect(first.json).toMatchObject({ dry_run: false, tasks: 2, steps: 6, step_edges: 4, batches: 2, more: true });
    expect(typeof first.json.resume).toBe('string');
    const rest = await prune({ completed_before: '0s', batch_size: 1, max_batches: 2, resume: first.json.resume });
    expect(rest.json).toMatchObject({ tasks: 1, batches: 1, more: false, resume: null });
    for (const id of done) expect(await api.tasker.getTask(id)).toBeNull();
    const gone = await call(api.base, 'GET', `/tasks/${done[0]}`, { token: TOKENS.admin });
    expectError(gone, 404, 'not_found');
    expect((await api.tasker.getTask(held))?.current_state).toBe('running');
    controls.release(held);
    await api.tasker.waitForTask(held, { timeoutMs: 20_000 });
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /at least one of completed_before, failed_before, cancelled_before/],
      [{ dry_run: true }, /at least one of/],
      [{ completed_before: 'yesterday' }, /body.completed_before must be a duration such as 30d.*got 'yesterday'/],
      [{ failed_before: '30' }, /body.failed_before must be/],
      [{ cancelled_before: '1d', batch_size: 0 }, /batch_size/],
      [{ cancelled_before: '1d', max_batches: 1001 }, /max_batches/],
      [{ cancelled_before: '1d', older_than: '1d' }, /older_than/],
      [{ cancelled_before: '1d', resume: 'somewhere' }, /resume must be the resume of a previous call/],
    ];
    for (const [body, message] of cases) {
      const res = await prune(body);
      expectError(res, 400, 'invalid_request');
      expect(res.json.error.message, JSON.stringify(body)).toMatch(message);
    }
  });

  it('documents the route in the OpenAPI document', async () => {
    const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.admin })).json;
    const op = doc.paths['/tasker/tasks/prune'].post;
    expect(op.operationId).toBe('pruneTasks');
    expect(op.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Prune');
    expect(doc.components.schemas.PruneResult.required).toContain('more');
  });
});
