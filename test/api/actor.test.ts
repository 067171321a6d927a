// Who an operator action is recorded for: `token:<name>` for a static token, `jwt:<sub>` for a JWT (whose sub must
// be 1-100 printable characters, else 401), the X-Tasker-Actor header as given when auth is off (the same rule,
// else 400), `api` otherwise; and JWTs without `exp` refused unless the configuration says require_exp: false.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/api/auth/jwt.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const SECRET = 'actor-test-secret-of-at-least-32-characters';
const OPERATOR = 'actor-operator-token-0123456789';
const exp = () => Math.floor(Date.now() / 1000) + 300;
/** A header value carrying these characters as UTF-8 bytes (fetch sends each char of a header as one byte). */
const utf8Header = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

async function failedStep(api: ApiHarness): Promise<[number, number]> {
  const task = await api.tasker.submit({
    namespace: 'api',
    name: 'checkout',
    version: '1.0.0',
    context: { order_id: 5, fail_steps: ['charge'] },
  });
  const done = await api.tasker.waitForTask(task.task_id, { timeoutMs: 20_000 });
  return [task.task_id, done.workflow_steps.find((s) => s.name === 'charge')!.workflow_step_id];
}

/** Resolve a fresh failed step with these request options; the answer and the actor recorded (if it acted). */
async function resolveAs(api: ApiHarness, options: { token?: string; headers?: Record<string, string> }) {
  const [taskId, stepId] = await failedStep(api);
  const res = await call(api.base, 'POST', `/tasks/${taskId}/workflow_steps/${stepId}/resolve`, {
    body: {},
    ...options,
  });
  const history = await api.tasker.store.getHistory(taskId, stepId);
  return { res, actor: history.find((h) => h.to_state === 'resolved_manually')?.actor ?? null };
}

describe.each(STORE_KINDS)('actors with auth on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    const auth = {
      tokens: [{ name: 'operator', token: OPERATOR, scopes: ['steps:operate'] }],
      jwt: { secret: SECRET },
    };
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) }, { auth });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('records token:<name> and jwt:<sub>, so a JWT sub cannot pass for a token name', async () => {
    expect((await resolveAs(api, { token: OPERATOR, headers: { 'x-tasker-actor': 'someone-else' } })).actor).toBe(
      'token:operator',
    );
    const admin = await resolveAs(api, {
      token: signJwt({ sub: 'operator', scope: 'steps:operate', exp: exp() }, SECRET),
    });
    expect(admin.res.status, admin.res.text).toBe(200);
    expect(admin.actor).toBe('jwt:operator');
    const unicode = 'Zoë ✓ '.repeat(16).slice(0, 95) + 'żółw';
    const wide = await resolveAs(api, { token: signJwt({ sub: unicode, scope: 'steps:operate', exp: exp() }, SECRET) });
    expect(wide.res.status, wide.res.text).toBe(200);
    expect(wide.actor).toBe(`jwt:${unicode}`);
  });

  it('refuses with 401 a JWT whose sub is not 1-100 printable characters, and changes nothing', async () => {
    for (const sub of [
      'evil\u0000',
      'x\n{"actor":"admin","reason":"forged"}',
      'tab\there',
      'a\u202Eb',
      'x'.repeat(101),
      ' padded',
      '',
      42,
    ]) {
      const { res, actor } = await resolveAs(api, {
        token: signJwt({ sub, scope: 'steps:operate', exp: exp() }, SECRET),
      });
      expectError(res, 401, 'unauthorized');
      expect(res.json.error.message).toContain('sub');
      expect(actor).toBeNull();
    }
  });

  it('refuses a JWT without exp unless the configuration says require_exp: false', async () => {
    const noExp = signJwt({ sub: 'ci', scope: 'steps:operate' }, SECRET);
    const refused = await resolveAs(api, { token: noExp });
    expectError(refused.res, 401, 'unauthorized');
    expect(refused.res.json.error.message).toContain('exp');
    const lenient = await startApi(db, { concurrency: 0 }, { auth: { jwt: { secret: SECRET, require_exp: false } } });
    try {
      expect(
        (await call(lenient.base, 'GET', '/tasks', { token: signJwt({ sub: 'ci', scope: 'tasks:read' }, SECRET) }))
          .status,
      ).toBe(200);
    } finally {
      await lenient.close();
    }
  });
});

describe.each(STORE_KINDS)('X-Tasker-Actor with auth off on $kind', ({ make }) => {
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

  it('records the header as given: printable Unicode, up to 100 characters', async () => {
    for (const actor of ['ops:alice', 'José ✓ (on call)', 'ж'.repeat(100), 'jwt:looks-like-a-token']) {
      const { res, actor: recorded } = await resolveAs(api, { headers: { 'x-tasker-actor': utf8Header(actor) } });
      expect(res.status, res.text).toBe(200);
      expect(recorded).toBe(actor);
    }
    expect((await resolveAs(api, {})).actor).toBe('api');
  });

  it('answers 400 for control characters, bad UTF-8, surrounding spaces or over 100 characters, and changes nothing', async () => {
    // (Surrounding spaces cannot be tested here: HTTP strips them from header values.)
    const bad = [
      'tab\there',
      utf8Header('c1\u0085control'),
      utf8Header('bidi\u202Eoverride'),
      'caf\u00e9',
      'ж'.repeat(101),
    ];
    for (const value of bad.map((v) => (v.startsWith('ж') ? utf8Header(v) : v))) {
      const { res, actor } = await resolveAs(api, { headers: { 'x-tasker-actor': value } });
      expectError(res, 400, 'invalid_request');
      expect(res.json.error.details[0].field).toBe('headers.x-tasker-actor');
      expect(actor).toBeNull();
    }
  });
});
