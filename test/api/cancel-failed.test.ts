// Cancelling a failed task (docs/api.md): it answers 200 and the task becomes cancelled — a failed task can still be
// revived by an operator retry, so cancelling it is meaningful; tasks that ended otherwise answer 409.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

describe.each(STORE_KINDS)('DELETE /tasks/:id on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('cancels a failed task with 200, and refuses a completed or cancelled one with 409', async () => {
    const create = async (context: Record<string, unknown>) =>
      (await call(api.base, 'POST', '/tasks', { body: { namespace: 'api', name: 'checkout', context } })).json
        .task_id as number;
    const failedId = await create({ order_id: 1, fail_steps: ['charge'] });
    expect((await waitForTaskOverHttp(api.base, failedId)).json.current_state).toBe('failed');
    const cancelled = await call(api.base, 'DELETE', `/tasks/${failedId}?reason=abandoned`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.current_state).toBe('cancelled');
    expectError(await call(api.base, 'DELETE', `/tasks/${failedId}`), 409, 'illegal_action');

    const doneId = await create({ order_id: 2 });
    expect((await waitForTaskOverHttp(api.base, doneId)).json.current_state).toBe('completed');
    const refused = await call(api.base, 'DELETE', `/tasks/${doneId}`);
    expectError(refused, 409, 'illegal_action');
    expect(refused.json.error.details).toMatchObject({ task_state: 'completed' });
  });
});
