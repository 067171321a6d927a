// Step routes take the step's name within the task as well as its workflow step id (both stores): reads and operator
// actions by name, names that need URL encoding, a 404 naming the step and the task, 400 for all-digit segments
// that are no valid id, and tokens files whose `routes:` keys name `:step_id` still apply to routes used by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const odd = defineTask({
  name: 'odd_names',
  namespace_name: 'api',
  version: '1.0.0',
  module_namespace: 'Odd',
  step_templates: [
    { name: 'send email', handler_class: 'Odd::Noop' },
    { name: 'a/b', depends_on_step: 'send email', handler_class: 'Odd::Noop' },
    { name: 'naïve ✓', depends_on_step: 'a/b', handler_class: 'Odd::Noop' },
  ],
});
const OPERATOR = 'operator-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const auth = {
  tokens: [
    { name: 'operator', token: OPERATOR, scopes: ['steps:operate', 'tasks:read', 'tasks:write'] },
    { name: 'admin', token: ADMIN, scopes: ['admin'] },
  ],
  // An existing key, written before steps could be named: it must still govern the route used with a name.
  routes: { 'POST /tasker/tasks/:id/workflow_steps/:step_id/retry': ['admin'] },
};

describe.each(STORE_KINDS)('steps by name on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(
      db,
      { templates: [...API_TEMPLATES, odd], handlers: { ...apiHandlers(controls), 'Odd::Noop': () => ({}) } },
      { auth },
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  const as = (token: string) => ({ token });

  it('reads, retries, resolves and skips steps by name; the retry route keeps its tokens-file rule', async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 1, fail_steps: ['charge'] } },
      ...as(ADMIN),
    });
    const id = created.json.task_id as number;
    const failed = await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    expect(failed.current_state).toBe('failed');

    const charge = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/charge`, as(OPERATOR));
    expect(charge.status, charge.text).toBe(200);
    expect(charge.json).toMatchObject({ task_id: id, name: 'charge', current_state: 'failed' });
    const byId = await call(
      api.base,
      'GET',
      `/tasks/${id}/workflow_steps/${charge.json.workflow_step_id}`,
      as(OPERATOR),
    );
    expect(byId.json).toEqual(charge.json);

    expectError(
      await call(api.base, 'POST', `/tasks/${id}/workflow_steps/charge/retry`, { body: {}, ...as(OPERATOR) }),
      403,
      'forbidden',
    );
    controls.healed.add(id);
    const retried = await call(api.base, 'POST', `/tasks/${id}/workflow_steps/charge/retry`, {
      body: { reason: 'by name' },
      ...as(ADMIN),
    });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.changed_step_ids).toContain(charge.json.workflow_step_id);
    expect((await api.tasker.waitForTask(id, { timeoutMs: 20_000 })).current_state).toBe('completed');

    const held = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 2, hold: true } },
      ...as(ADMIN),
    });
    const heldId = held.json.task_id as number;
    const resolved = await call(api.base, 'POST', `/tasks/${heldId}/workflow_steps/ship/resolve`, {
      body: { results: { by: 'hand' } },
      ...as(OPERATOR),
    });
    expect(resolved.status, resolved.text).toBe(200);
    const skipped = await call(api.base, 'POST', `/tasks/${heldId}/workflow_steps/charge/skip`, {
      body: {},
      ...as(OPERATOR),
    });
    expect(skipped.status, skipped.text).toBe(200);
    const states = Object.fromEntries(
      skipped.json.task.workflow_steps.map((s: { name: string; current_state: string }) => [s.name, s.current_state]),
    );
    expect(states).toMatchObject({ charge: 'skipped', ship: 'resolved_manually' });
    controls.release(heldId);
  });

  it('finds names that need URL encoding', async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'odd_names' },
      ...as(ADMIN),
    });
    const id = created.json.task_id as number;
    for (const name of ['send email', 'a/b', 'naïve ✓']) {
      const res = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${encodeURIComponent(name)}`, as(OPERATOR));
      expect(res.status, `${name}: ${res.text}`).toBe(200);
      expect(res.json.name).toBe(name);
    }
  });

  it('answers 404 naming the step and the task, and 400 for all-digit segments that are no id', async () => {
    const created = await call(api.base, 'POST', '/tasks', { body: { namespace: 'ops', name: 'flaky' }, ...as(ADMIN) });
    const id = created.json.task_id as number;
    const missing = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/charge`, as(OPERATOR));
    expectError(missing, 404, 'not_found');
    expect(missing.json.error.message).toContain(`task ${id} has no step named 'charge'`);
    expect(missing.json.error.message).toContain('wobble');
    expect(missing.json.error.details).toEqual({ task_id: id, step: 'charge' });
    expectError(
      await call(api.base, 'POST', `/tasks/${id}/workflow_steps/charge/skip`, { body: {}, ...as(OPERATOR) }),
      404,
      'not_found',
    );
    for (const bad of ['0', '00', '9007199254740993']) {
      const res = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${bad}`, as(OPERATOR));
      expectError(res, 400, 'invalid_request');
      expect(res.json.error.details[0].field).toBe('params.step_id');
    }
    expectError(await call(api.base, 'GET', `/tasks/987654/workflow_steps/wobble`, as(OPERATOR)), 404, 'not_found');
  });
});
