// Step routes and operator actions over real HTTP on both stores: step lists, attempt history, retry / resolve /
// skip a step and retry a task (the task resumes and completes), illegal actions (409) and who did what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

type StepJson = { workflow_step_id: number; name: string; current_state: string };

describe.each(STORE_KINDS)('step routes and operator actions on $kind', ({ make }) => {
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

  async function create(body: Record<string, unknown>): Promise<number> {
    const res = await call(api.base, 'POST', '/tasks', { body });
    expect(res.status, res.text).toBe(201);
    return res.json.task_id;
  }
  async function finished(id: number) {
    return (await waitForTaskOverHttp(api.base, id)).json;
  }
  const stepOf = (task: { workflow_steps: StepJson[] }, name: string) =>
    task.workflow_steps.find((s) => s.name === name)!;

  it("lists a task's steps and shows one step with its attempt history", async () => {
    const id = await create({ namespace: 'ops', name: 'flaky', context: {} });
    const task = await finished(id);
    expect(task.current_state).toBe('completed');
    const list = await call(api.base, 'GET', `/tasks/${id}/workflow_steps`);
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ task_id: id, workflow_steps: task.workflow_steps });

    const wobble = stepOf(task, 'wobble');
    const detail = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${wobble.workflow_step_id}`);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.json).toMatchObject({
      task_id: id,
      name: 'wobble',
      current_state: 'completed',
      attempts: 3,
      results: { attempts: 3 },
    });
    const attempts = detail.json.attempt_history;
    expect(attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['retrying', 'retrying', 'completed']);
    expect(attempts.map((a: { error: { message: string } | null }) => a.error?.message ?? null)).toEqual([
      'wobble attempt 1 failed',
      'wobble attempt 2 failed',
      null,
    ]);
    for (const a of attempts) {
      expect(a.worker).toBe(api.tasker.workerId);
      expect(Date.parse(a.ended_at)).toBeGreaterThanOrEqual(Date.parse(a.started_at));
    }
    const states = detail.json.history
      .map((h: { to_state: string }) => h.to_state)
      .filter((s: string) => s !== 'pending');
    expect(states).toEqual(['running', 'retrying', 'running', 'retrying', 'running', 'completed']);
  });

  it('answers 404 for a step of another task and 400 for malformed step ids', async () => {
    const a = await finished(await create({ namespace: 'ops', name: 'flaky', context: {} }));
    const b = await create({ namespace: 'ops', name: 'flaky', context: {} });
    const foreign = a.workflow_steps[0].workflow_step_id;
    const res = await call(api.base, 'GET', `/tasks/${b}/workflow_steps/${foreign}`);
    expectError(res, 404, 'not_found');
    expect(res.json.error.details).toEqual({ task_id: b, step_id: foreign });
    expectError(
      await call(api.base, 'POST', `/tasks/${b}/workflow_steps/${foreign}/skip`, { body: {} }),
      404,
      'not_found',
    );
    expectError(await call(api.base, 'GET', `/tasks/${b}/workflow_steps/first`), 404, 'not_found');
    expectError(await call(api.base, 'GET', `/tasks/${b}/workflow_steps/0`), 400, 'invalid_request');
    expectError(await call(api.base, 'GET', '/tasks/987654/workflow_steps'), 404, 'not_found');
    expectError(await call(api.base, 'POST', '/tasks/987654/retry'), 404, 'not_found');
  });

  it('retries a failed step over HTTP: the failed task resumes and completes, and the history names the operator', async () => {
    const id = await create({ namespace: 'api', name: 'checkout', context: { order_id: 11, fail_steps: ['charge'] } });
    const failed = await finished(id);
    expect(failed.current_state).toBe('failed');
    const charge = stepOf(failed, 'charge');
    expect(charge.current_state).toBe('failed');
    expect(stepOf(failed, 'ship').current_state).toBe('pending');

    controls.healed.add(id);
    const res = await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${charge.workflow_step_id}/retry`, {
      body: { reason: 'card fixed' },
      headers: { 'x-tasker-actor': 'ops:carol' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      action: 'retry_step',
      task_state: 'running',
      changed_step_ids: [charge.workflow_step_id],
    });
    expect(res.json.task.task_id).toBe(id);

    const done = await finished(id);
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.map((s: StepJson) => s.current_state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
    const detail = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${charge.workflow_step_id}`);
    expect(detail.json.history).toContainEqual(
      expect.objectContaining({ from_state: 'failed', to_state: 'pending', actor: 'ops:carol', reason: 'card fixed' }),
    );
    expect(detail.json.attempt_history.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'completed']);
    expect(detail.json.attempt_history[0].error).toMatchObject({ class: 'PermanentError', code: 'asked_to_fail' });
  });

  it('answers 409 with the reason for illegal operator actions, and changes nothing', async () => {
    const id = await create({ namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 12 } });
    const done = await finished(id);
    const reserve = stepOf(done, 'reserve');
    const retry = await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${reserve.workflow_step_id}/retry`);
    expectError(retry, 409, 'illegal_action');
    expect(retry.json.error.message).toContain('completed');
    const retryTask = await call(api.base, 'POST', `/tasks/${id}/retry`, { body: {} });
    expectError(retryTask, 409, 'illegal_action');
    expect(retryTask.json.error.details).toMatchObject({ task_id: id, action: 'retry_task' });
    expectError(
      await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${reserve.workflow_step_id}/skip`),
      409,
      'illegal_action',
    );
    expectError(
      await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${reserve.workflow_step_id}/resolve`, {
        body: { results: 1 },
      }),
      409,
      'illegal_action',
    );
    expect((await call(api.base, 'GET', `/tasks/${id}`)).json).toEqual(done);

    // A running step of a running task cannot be retried either.
    const held = await create({ namespace: 'api', name: 'checkout', context: { order_id: 13, hold: true } });
    const running = (await call(api.base, 'GET', `/tasks/${held}`)).json;
    const charge = stepOf(running, 'charge');
    const early = await call(api.base, 'POST', `/tasks/${held}/workflow_steps/${charge.workflow_step_id}/retry`);
    expectError(early, 409, 'illegal_action');
    expect(early.json.error.message).toContain('pending');
    controls.release(held);
    expect((await finished(held)).current_state).toBe('completed');
  });

  it('resolves a failed step with results so its dependents run', async () => {
    const id = await create({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 14, fail_steps: ['charge'] },
    });
    const failed = await finished(id);
    const charge = stepOf(failed, 'charge');
    const res = await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${charge.workflow_step_id}/resolve`, {
      body: { results: { paid_offline: true }, reason: 'paid by bank transfer' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.action).toBe('resolve_step');
    const done = await finished(id);
    expect(done.current_state).toBe('completed');
    expect(stepOf(done, 'charge')).toMatchObject({
      current_state: 'resolved_manually',
      results: { paid_offline: true },
    });
    expect(stepOf(done, 'ship').current_state).toBe('completed');
    const history = (await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${charge.workflow_step_id}`)).json
      .history;
    expect(history.at(-1)).toMatchObject({
      to_state: 'resolved_manually',
      actor: 'api',
      reason: 'paid by bank transfer',
    });
  });

  it('skips a failed step so its dependents run', async () => {
    const id = await create({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 15, fail_steps: ['charge'] },
    });
    const charge = stepOf(await finished(id), 'charge');
    const res = await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${charge.workflow_step_id}/skip`, {
      body: { reason: 'free order' },
    });
    expect(res.status, res.text).toBe(200);
    const done = await finished(id);
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.map((s: StepJson) => s.current_state)).toEqual(['completed', 'skipped', 'completed']);
  });

  it('retries every failed step of a task with POST /tasks/:id/retry', async () => {
    const id = await create({ namespace: 'api', name: 'fanout', context: { fail_steps: ['left', 'right'] } });
    const failed = await finished(id);
    expect(failed.workflow_steps.map((s: StepJson) => s.current_state)).toEqual([
      'completed',
      'failed',
      'failed',
      'pending',
    ]);
    controls.healed.add(id);
    const res = await call(api.base, 'POST', `/tasks/${id}/retry`);
    expect(res.status, res.text).toBe(200);
    expect(res.json.changed_step_ids.sort()).toEqual(
      [stepOf(failed, 'left').workflow_step_id, stepOf(failed, 'right').workflow_step_id].sort(),
    );
    const done = await finished(id);
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.map((s: StepJson) => s.current_state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
    ]);
  });

  it('rejects bad operator bodies and actor headers with 400 before acting', async () => {
    const id = await create({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 16, fail_steps: ['charge'] },
    });
    const failed = await finished(id);
    const charge = stepOf(failed, 'charge');
    const path = `/tasks/${id}/workflow_steps/${charge.workflow_step_id}`;
    expectError(await call(api.base, 'POST', `${path}/resolve`, { body: { result: 1 } }), 400, 'invalid_request');
    expectError(await call(api.base, 'POST', `${path}/retry`, { body: { reason: 5 } }), 400, 'invalid_request');
    expectError(await call(api.base, 'POST', `${path}/retry`, { body: [] }), 400, 'invalid_request');
    expectError(
      await call(api.base, 'POST', `${path}/retry`, { body: { reason: 'nul \u0000 inside' } }),
      400,
      'invalid_request',
    );
    expectError(await call(api.base, 'DELETE', `/tasks/${id}?reason=a%00b`), 400, 'invalid_request');
    expectError(
      await call(api.base, 'POST', `${path}/skip`, { body: {}, headers: { 'x-tasker-actor': 'b\u00f6b' } }),
      400,
      'invalid_request',
    );
    expectError(
      await call(api.base, 'POST', `${path}/skip`, { body: {}, headers: { 'x-tasker-actor': 'x'.repeat(101) } }),
      400,
      'invalid_request',
    );
    expect((await call(api.base, 'GET', `/tasks/${id}`)).json).toEqual(failed);
  });
});
