// Signal routes over real HTTP on both stores, with auth on: a signal by task id (202 with the receipt, the waiting step
// completing with the payload, a repeated signal_id answering 200 with delivered false, the task's signals listed),
// by idempotency key (kept until the step waits for it), the 404/409/413/400 refusals, and the signals:send scope — an
// approver token that can send signals and nothing else, steps:operate including it, readers and writers without it.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const approval = defineTask({
  name: 'approval',
  namespace_name: 'sig',
  version: '1.0.0',
  module_namespace: 'Sig',
  step_templates: [
    { name: 'request' },
    { name: 'manager_approval', depends_on_step: 'request', wait_for: { signal: 'approval', timeout: '1h' } },
    { name: 'apply', depends_on_step: 'manager_approval' },
  ],
});

const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  approver: 'approver-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  reader: 'reader-token-0123456789abcdef',
  writer: 'writer-token-0123456789abcdef',
} as const;
const SCOPES = {
  admin: ['admin'],
  approver: ['signals:send'],
  operator: ['steps:operate'],
  reader: ['tasks:read'],
  writer: ['tasks:write'],
};

describe.each(STORE_KINDS)('signal routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let ajv: Ajv;
  /** Tasks submitted with `hold` stay in their first step (before the wait) until released. */
  const holds = new Map<number, () => void>();

  beforeAll(async () => {
    db = make();
    api = await startApi(
      db,
      {
        templates: [approval],
        pollIntervalMs: 50,
        handlers: {
          'Sig::RequestHandler': async (task: { task_id: number; context: { hold?: boolean } }) => {
            if (task.context.hold) await new Promise<void>((resolve) => holds.set(task.task_id, resolve));
            return { requested: true };
          },
          'Sig::ApplyHandler': (_t: unknown, seq: { findStepByName(n: string): { results: unknown } }) => ({
            applied: seq.findStepByName('manager_approval').results,
          }),
        },
      },
      {
        auth: {
          tokens: (Object.keys(TOKENS) as Array<keyof typeof TOKENS>).map((name) => ({
            name,
            token: TOKENS[name],
            scopes: SCOPES[name],
          })),
        },
      },
    );
    const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.reader })).json;
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schemas = JSON.parse(
      JSON.stringify(doc.components.schemas).replace(/#\/components\/schemas\//g, 'openapi#/components/schemas/'),
    );
    ajv.addSchema({ $id: 'openapi', components: { schemas } });
  });
  afterAll(async () => {
    for (const release of holds.values()) release();
    await api?.close();
    await db?.cleanup();
  });

  const matches = (schema: string, value: unknown) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
    expect(validate(value), `${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };
  const submit = async (key?: string, hold = false): Promise<number> => {
    const res = await call(api.base, 'POST', '/tasks', {
      token: TOKENS.admin,
      body: { namespace: 'sig', name: 'approval', context: { hold }, ...(key ? { idempotency_key: key } : {}) },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.task_id;
  };
  /** Let a held task's first step finish (once it has started). */
  const release = async (id: number) => {
    for (let i = 0; i < 800 && !holds.has(id); i++) await new Promise((r) => setTimeout(r, 25));
    holds.get(id)!();
  };
  const step = async (id: number, name: string) =>
    (await call(api.base, 'GET', `/tasks/${id}`, { token: TOKENS.reader })).json.workflow_steps.find(
      (s: { name: string }) => s.name === name,
    );
  const parked = async (id: number) => {
    for (let i = 0; i < 800; i++) {
      const s = await step(id, 'manager_approval');
      if (s.waiting_for === 'signal') return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`task ${id}: manager_approval never parked`);
  };
  const signal = (id: number, name: string, body?: unknown, token: string = TOKENS.approver) =>
    call(api.base, 'POST', `/tasks/${id}/signals/${name}`, { token, ...(body !== undefined ? { body } : {}) });
  const finished = (id: number) => api.tasker.waitForTask(id, { timeoutMs: 20_000 });
  const list = async (id: number) => {
    const res = await call(api.base, 'GET', `/tasks/${id}/signals`, { token: TOKENS.reader });
    expect(res.status, res.text).toBe(200);
    return res.json;
  };

  it('delivers a signal by task id (202): the parked step wakes and completes with the payload', async () => {
    const id = await submit();
    const waiting = await parked(id);
    expect(waiting.current_state).toBe('pending');
    const first = await signal(id, 'approval', { payload: { approved: true, by: 'ann' } });
    expect(first.status, first.text).toBe(202);
    expect(first.json).toEqual({
      task_id: id,
      name: 'approval',
      signal_id: expect.any(Number),
      delivered: true,
      woke: 1,
    });
    matches('SignalReceipt', first.json);
    const done = await finished(id);
    expect(done.current_state).toBe('completed');
    const approvalStep = done.workflow_steps.find((s) => s.name === 'manager_approval')!;
    expect(approvalStep.results).toEqual({ approved: true, by: 'ann' });
    expect(done.workflow_steps.find((s) => s.name === 'apply')!.results).toEqual({
      applied: { approved: true, by: 'ann' },
    });
    const listed = await list(id);
    matches('SignalList', listed);
    expect(listed).toEqual({
      task_id: id,
      signals: [
        {
          signal_id: first.json.signal_id,
          name: 'approval',
          signal_key: null,
          payload: { approved: true, by: 'ann' },
          actor: 'token:approver',
          received_at: expect.any(String),
          consumed_step_id: approvalStep.workflow_step_id,
          consumed_at: expect.any(String),
        },
      ],
    });
  });

  it('delivers a repeated signal_id once (200, delivered false) and keeps it until the step waits', async () => {
    const id = await submit(undefined, true);
    const first = await signal(id, 'approval', { payload: { n: 1 }, signal_id: 'mail-1' });
    expect(first.status, first.text).toBe(202);
    expect(first.json).toMatchObject({ delivered: true, woke: 0 });
    const again = await signal(id, 'approval', { payload: { n: 2 }, signal_id: 'mail-1' });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual({ ...first.json, delivered: false, woke: 0 });
    matches('SignalReceipt', again.json);
    const kept = await list(id);
    expect(kept.signals).toMatchObject([{ signal_key: 'mail-1', payload: { n: 1 }, consumed_step_id: null }]);
    await release(id);
    const done = await finished(id);
    expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toEqual({ n: 1 });
    expect((await list(id)).signals).toMatchObject([{ signal_key: 'mail-1', consumed_at: expect.any(String) }]);
  });

  it('addresses a task by idempotency key and keeps a signal sent before the step waits', async () => {
    const key = `expense-${Date.now()}`;
    const id = await submit(key);
    const sent = await call(api.base, 'POST', '/signals', {
      token: TOKENS.approver,
      body: { idempotency_key: key, name: 'approval', payload: [1, 'two', null] },
    });
    expect(sent.status, sent.text).toBe(202);
    expect(sent.json).toMatchObject({ task_id: id, name: 'approval', delivered: true });
    const done = await finished(id);
    expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toEqual([1, 'two', null]);

    const unknown = await call(api.base, 'POST', '/signals', {
      token: TOKENS.approver,
      body: { idempotency_key: `${key}-nope`, name: 'approval' },
    });
    expectError(unknown, 404, 'not_found');
    expect(unknown.json.error.message).toContain(`no task was submitted with idempotency key '${key}-nope'`);
    expectError(
      await call(api.base, 'POST', '/signals', { token: TOKENS.approver, body: { name: 'approval' } }),
      400,
      'invalid_request',
    );
  });

  it('a signal without a body carries null; a bodyless POST is enough', async () => {
    const id = await submit();
    await parked(id);
    expect((await signal(id, 'approval')).status).toBe(202);
    const done = await finished(id);
    expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toBeNull();
  });

  it('refuses an undeclared signal, an unknown task, a finished task, a large payload and bad input', async () => {
    const id = await submit();
    const typo = await signal(id, 'aproval', { payload: 1 });
    expectError(typo, 404, 'not_found');
    expect(typo.json.error.message).toContain("declares no step waiting for signal 'aproval'; it waits for: approval");
    expectError(await signal(987_654_321, 'approval', {}), 404, 'not_found');
    expectError(await call(api.base, 'GET', '/tasks/987654321/signals', { token: TOKENS.reader }), 404, 'not_found');

    const big = await signal(id, 'approval', { payload: { blob: 'x'.repeat(300 * 1024) } });
    expectError(big, 413, 'payload_too_large');
    expect(big.json.error.message).toMatch(/^body\.payload is \d+ bytes as JSON; a signal carries at most 262144/);
    expect(big.json.error.details).toEqual([{ field: 'body.payload', message: expect.stringContaining('262144') }]);
    expectError(await signal(id, 'bad%20name', {}), 400, 'invalid_request');
    const extra = await signal(id, 'approval', { payload: 1, reason: 'x' });
    expectError(extra, 400, 'invalid_request');
    expect(extra.json.error.details[0].field).toBe('body.reason');
    expectError(await signal(id, 'approval', { signal_id: '' }), 400, 'invalid_request');
    expect((await list(id)).signals).toEqual([]);

    expect((await signal(id, 'approval', { payload: 'ok' })).status).toBe(202);
    await finished(id);
    const late = await signal(id, 'approval', { payload: 'late' });
    expectError(late, 409, 'illegal_action');
    expect(late.json.error.message).toContain(`task ${id} is completed; a finished task takes no signal`);
  });

  it('needs signals:send (or steps:operate, or admin) to send, and tasks:read to list', async () => {
    const id = await submit(undefined, true);
    for (const who of ['reader', 'writer'] as const) {
      const res = await signal(id, 'approval', { payload: who }, TOKENS[who]);
      expectError(res, 403, 'forbidden');
      expect(res.json.error.details.required).toEqual(['signals:send']);
    }
    expectError(await call(api.base, 'GET', `/tasks/${id}`, { token: TOKENS.approver }), 403, 'forbidden');
    expectError(await call(api.base, 'GET', `/tasks/${id}/signals`, { token: TOKENS.approver }), 403, 'forbidden');
    expectError(
      await call(api.base, 'POST', `/tasks/${id}/retry`, { token: TOKENS.approver, body: {} }),
      403,
      'forbidden',
    );
    const who = await call(api.base, 'GET', '/auth/whoami', { token: TOKENS.approver });
    expect(who.json.scopes).toEqual(['signals:send']);

    const byOperator = await signal(id, 'approval', { payload: 'operator', signal_id: 'op' }, TOKENS.operator);
    expect(byOperator.status, byOperator.text).toBe(202);
    const byAdmin = await signal(id, 'approval', { payload: 'admin', signal_id: 'op' }, TOKENS.admin);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.json.delivered).toBe(false);
    await release(id);
    const done = await finished(id);
    expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toBe('operator');
    expect((await list(id)).signals.map((s: { actor: string }) => s.actor)).toEqual(['token:operator']);

    const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.reader })).json;
    const send = doc.paths['/tasker/tasks/{id}/signals/{name}'].post;
    expect(send['x-required-scopes']).toEqual(['signals:send']);
    expect(Object.keys(send.responses)).toEqual(expect.arrayContaining(['200', '202', '404', '409', '413']));
    expect(doc.paths['/tasker/signals'].post['x-required-scopes']).toEqual(['signals:send']);
    expect(doc.paths['/tasker/tasks/{id}/signals'].get['x-required-scopes']).toEqual(['tasks:read']);
  });
});
