// The schedule routes over real HTTP on both stores: list with tasks:read, pause / resume / trigger with
// steps:operate (403 without, 404 for an unknown schedule), the actor recorded, a trigger's task with scheduled_for
// and no tick used, and the routes and schemas in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const TOKENS = {
  reader: 'reader-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
} as const;
const auth = {
  tokens: [
    { name: 'reader', token: TOKENS.reader, scopes: ['tasks:read'] },
    { name: 'operator', token: TOKENS.operator, scopes: ['steps:operate', 'tasks:read'] },
  ],
};

const HOUR = 3_600_000;
const BASE = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;

const rollup = defineTask({
  name: 'rollup',
  namespace_name: 'reports',
  version: '1.0.0',
  module_namespace: 'Reports',
  schema: { type: 'object', required: ['window'], properties: { window: { type: 'string' } } },
  step_templates: [{ name: 'aggregate' }],
  schedules: [
    {
      name: 'hourly_rollup',
      cron: '0 * * * *',
      timezone: 'Europe/Paris',
      context: { window: '1h' },
      catch_up: 'latest',
    },
  ],
});

const PATH = '/schedules/reports/rollup/hourly_rollup';

describe.each(STORE_KINDS)('schedule routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    const handlers = { 'Reports::AggregateHandler': () => ({ ok: true }) };
    api = await startApi(db, { templates: [rollup], handlers, schedules: false }, { auth });
    await api.tasker.schedules.tick(); // records the schedule, as a worker does when it starts
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('lists schedules with their definition and state (tasks:read)', async () => {
    expectError(await call(api.base, 'GET', '/schedules'), 401, 'unauthorized');
    const res = await call(api.base, 'GET', '/schedules', { token: TOKENS.reader });
    expect(res.status, res.text).toBe(200);
    expect(res.json.schedules).toEqual([
      {
        namespace: 'reports',
        name: 'rollup',
        schedule: 'hourly_rollup',
        version: '1.0.0',
        declared: true,
        cron: '0 * * * *',
        timezone: 'Europe/Paris',
        catch_up: 'latest',
        enabled: true,
        context: { window: '1h' },
        paused: false,
        paused_at: null,
        paused_by: null,
        resumed_at: null,
        last_tick_at: null,
        last_task_id: null,
        next_tick_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/),
      },
    ]);
  });

  it('pauses and resumes with steps:operate, recording who', async () => {
    expectError(await call(api.base, 'POST', `${PATH}/pause`, { token: TOKENS.reader }), 403, 'forbidden');
    const paused = await call(api.base, 'POST', `${PATH}/pause`, {
      token: TOKENS.operator,
      body: { reason: 'db down' },
    });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json).toMatchObject({ paused: true, paused_by: 'token:operator', next_tick_at: null });
    expect(Date.parse(paused.json.paused_at)).not.toBeNaN();
    expect(await api.tasker.schedules.tick(BASE)).toEqual([]); // no tick while paused
    const resumed = await call(api.base, 'POST', `${PATH}/resume`, { token: TOKENS.operator });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json).toMatchObject({ paused: false, paused_by: 'token:operator' });
    expect(resumed.json.next_tick_at).not.toBeNull();
  });

  it('triggers a task now without using a tick', async () => {
    expectError(await call(api.base, 'POST', `${PATH}/trigger`, { token: TOKENS.reader }), 403, 'forbidden');
    const res = await call(api.base, 'POST', `${PATH}/trigger`, {
      token: TOKENS.operator,
      body: { reason: 'rerun Q3' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('location')).toBe(`/tasker/tasks/${res.json.task_id}`);
    const task = await call(api.base, 'GET', `/tasks/${res.json.task_id}`, { token: TOKENS.reader });
    expect(task.json).toMatchObject({
      scheduled_for: res.json.scheduled_for,
      context: { window: '1h' },
      initiator: 'token:operator',
      reason: 'rerun Q3',
      tags: ['schedule:hourly_rollup'],
    });
    const [schedule] = (await call(api.base, 'GET', '/schedules', { token: TOKENS.reader })).json.schedules;
    expect(schedule).toMatchObject({ last_tick_at: null, last_task_id: null });
  });

  it('answers 404 naming the known schedules, and 400 for a bad body', async () => {
    const missing = await call(api.base, 'POST', '/schedules/reports/rollup/nightly/pause', { token: TOKENS.operator });
    expectError(missing, 404, 'not_found');
    expect(missing.json.error.message).toBe(
      'no schedule reports/rollup/nightly; known schedules: reports/rollup/hourly_rollup',
    );
    const unknown = await call(api.base, 'POST', '/schedules/reports/other/nightly/trigger', {
      token: TOKENS.operator,
    });
    expectError(unknown, 404, 'not_found');
    const bad = await call(api.base, 'POST', `${PATH}/pause`, { token: TOKENS.operator, body: { why: 'x' } });
    expectError(bad, 400, 'invalid_request');
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.reader })).json;
    expect(doc.paths['/tasker/schedules'].get.operationId).toBe('listSchedules');
    for (const action of ['pause', 'resume', 'trigger']) {
      const op = doc.paths[`/tasker/schedules/{namespace}/{name}/{schedule}/${action}`].post;
      expect(op.operationId).toBe(`${action}Schedule`);
      expect(op['x-required-scopes']).toEqual(['steps:operate']);
    }
    expect(doc.components.schemas.Schedule.required).toContain('next_tick_at');
    expect(doc.components.schemas.Task.properties.scheduled_for).toMatchObject({ format: 'date-time', nullable: true });
  });
});
