// Auth over real HTTP on both stores: the route × token × scope matrix, 401/403 answers with WWW-Authenticate,
// per-route overrides, HS256 JWTs, the operator recorded as token:<name>, and tokens never reaching the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { signJwt } from '../../src/api/auth/jwt.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const TOKENS = {
  reader: 'reader-token-0123456789abcdef',
  writer: 'writer-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
  nobody: 'nobody-token-0123456789abcdef',
} as const;
type Who = keyof typeof TOKENS;
const SCOPES: Record<Who, string[]> = {
  reader: ['tasks:read'],
  writer: ['tasks:write'],
  operator: ['steps:operate', 'tasks:read'],
  admin: ['admin'],
  nobody: [],
};
const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters!';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function authConfig(extra: Record<string, unknown> = {}) {
  return {
    tokens: (Object.keys(TOKENS) as Who[]).map((name, i) =>
      // Half given as hashes, half as plaintext (hashed at load).
      i % 2
        ? { name, token: TOKENS[name], scopes: SCOPES[name] }
        : { name, token_sha256: sha256(TOKENS[name]), scopes: SCOPES[name] },
    ),
    jwt: { secret: JWT_SECRET, issuer: 'tests' },
    ...extra,
  };
}

type Rule = string[] | 'public';

describe.each(STORE_KINDS)('auth on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let logs = '';
  let taskId = 0;
  let stepId = 0;
  let failedTask = 0;
  let failedStep = 0;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    api = await startApi(
      db,
      { templates: API_TEMPLATES, handlers: apiHandlers(controls) },
      { auth: authConfig(), logger: pino({ level: 'trace' }, sink) },
    );
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 1 } },
      token: TOKENS.admin,
    });
    taskId = created.json.task_id;
    stepId = (await api.tasker.waitForTask(taskId, { timeoutMs: 20_000 })).workflow_steps[0]!.workflow_step_id;
    const failing = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 2, fail_steps: ['charge'] } },
      token: TOKENS.admin,
    });
    failedTask = failing.json.task_id;
    const done = await api.tasker.waitForTask(failedTask, { timeoutMs: 20_000 });
    failedStep = done.workflow_steps.find((s) => s.name === 'charge')!.workflow_step_id;
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  // The documented defaults, written out independently of the implementation.
  const ROUTES: Array<[string, () => string, Rule, unknown?]> = [
    ['POST', () => '/tasks', ['tasks:write'], { namespace: 'api', name: 'fanout' }],
    ['GET', () => '/tasks', ['tasks:read']],
    ['GET', () => `/tasks/${taskId}`, ['tasks:read']],
    ['GET', () => `/tasks/${taskId}/history`, ['tasks:read']],
    ['DELETE', () => '/tasks/987654', ['tasks:write']],
    ['GET', () => `/tasks/${taskId}/workflow_steps`, ['tasks:read']],
    ['GET', () => `/tasks/${taskId}/workflow_steps/${stepId}`, ['tasks:read']],
    ['POST', () => `/tasks/${taskId}/workflow_steps/${stepId}/retry`, ['steps:operate'], {}],
    ['POST', () => `/tasks/${taskId}/workflow_steps/${stepId}/resolve`, ['steps:operate'], { results: 1 }],
    ['POST', () => `/tasks/${taskId}/workflow_steps/${stepId}/skip`, ['steps:operate'], {}],
    ['POST', () => `/tasks/${taskId}/retry`, ['steps:operate'], {}],
    ['GET', () => '/handlers', ['tasks:read']],
    ['GET', () => '/handlers/api', ['tasks:read']],
    ['GET', () => '/handlers/api/checkout', ['tasks:read']],
    ['GET', () => '/health', ['tasks:read']],
    ['GET', () => '/health/live', 'public'],
    ['GET', () => '/health/ready', 'public'],
    ['GET', () => '/health/status', ['tasks:read']],
    ['GET', () => '/stats', ['tasks:read']],
    ['POST', () => '/events/tickets', ['tasks:read']],
    ['GET', () => '/metrics', ['tasks:read']],
    ['GET', () => '/openapi.json', []],
  ];

  it.each(ROUTES)('%s %s: tokens get in exactly with the scopes the route needs', async (method, path, rule, body) => {
    const send = (extra: { token?: string; headers?: Record<string, string> }) =>
      call(api.base, method, path(), { ...(body !== undefined ? { body } : {}), ...extra });
    const anonymous = await send({});
    const bogus = await send({ token: 'not-a-configured-token-at-all' });
    if (rule === 'public') {
      expect(anonymous.status).toBe(200);
      expect(bogus.status).toBe(200);
    } else {
      expectError(anonymous, 401, 'unauthorized');
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="tasker"');
      expectError(bogus, 401, 'unauthorized');
      expect(bogus.headers.get('www-authenticate')).toBe('Bearer realm="tasker", error="invalid_token"');
      expectError(
        await send({ headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }),
        401,
        'unauthorized',
      );
      expectError(await send({ headers: { authorization: 'Bearer' } }), 401, 'unauthorized');
    }
    for (const who of Object.keys(TOKENS) as Who[]) {
      const res = await send({ token: TOKENS[who] });
      const allowed = rule === 'public' || SCOPES[who].includes('admin') || rule.every((s) => SCOPES[who].includes(s));
      if (allowed) {
        expect(res.status, `${who}: ${res.text}`).toBeLessThan(500);
        expect([401, 403], `${who}: ${res.text}`).not.toContain(res.status);
      } else {
        expectError(res, 403, 'forbidden');
        expect(res.json.error.details.required).toEqual(rule);
        expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      }
    }
  });

  it('needs a valid token for unknown routes too (401 without, 404 with)', async () => {
    expectError(await call(api.base, 'GET', '/secret-route'), 401, 'unauthorized');
    expectError(await call(api.base, 'GET', '/secret-route', { token: TOKENS.nobody }), 404, 'not_found');
  });

  it('checks auth before reading the body', async () => {
    const res = await call(api.base, 'POST', '/tasks', { raw: '{not json', contentType: 'application/json' });
    expectError(res, 401, 'unauthorized');
  });

  it('records token:<name> as the actor of operator actions, ignoring X-Tasker-Actor', async () => {
    controls.healed.add(failedTask);
    const res = await call(api.base, 'POST', `/tasks/${failedTask}/workflow_steps/${failedStep}/retry`, {
      body: {},
      token: TOKENS.operator,
      headers: { 'x-tasker-actor': 'someone-else' },
    });
    expect(res.status, res.text).toBe(200);
    const history = await api.tasker.store.getHistory(failedTask, failedStep);
    expect(history.find((h) => h.from_state === 'failed' && h.to_state === 'pending')?.actor).toBe('token:operator');
  });

  it('accepts HS256 JWTs with scopes and rejects expired, tampered, unsigned and foreign ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = signJwt({ sub: 'ci-pipeline', scope: 'tasks:read', iss: 'tests', exp: now + 300 }, JWT_SECRET);
    expect((await call(api.base, 'GET', '/tasks', { token: good })).status).toBe(200);
    expectError(
      await call(api.base, 'POST', '/tasks', { body: { namespace: 'api', name: 'fanout' }, token: good }),
      403,
      'forbidden',
    );
    const writer = signJwt({ sub: 'ci-pipeline', scopes: ['tasks:write'], iss: 'tests', exp: now + 300 }, JWT_SECRET);
    expect(
      (await call(api.base, 'POST', '/tasks', { body: { namespace: 'api', name: 'fanout' }, token: writer })).status,
    ).toBe(201);

    const expired = signJwt({ sub: 'ci', scope: 'admin', iss: 'tests', exp: now - 3600 }, JWT_SECRET);
    const early = signJwt({ sub: 'ci', scope: 'admin', iss: 'tests', nbf: now + 3600, exp: now + 7200 }, JWT_SECRET);
    const foreign = signJwt({ sub: 'ci', scope: 'admin', iss: 'elsewhere', exp: now + 300 }, JWT_SECRET);
    const wrongKey = signJwt(
      { sub: 'ci', scope: 'admin', iss: 'tests', exp: now + 300 },
      'another-secret-of-at-least-32-characters',
    );
    const [h, , s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'ci', scope: 'admin', iss: 'tests', exp: now + 300 })).toString('base64url')}.${s}`;
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'ci', scope: 'admin', iss: 'tests', exp: now + 300 })).toString('base64url')}.`;
    const noSub = signJwt({ scope: 'admin', iss: 'tests', exp: now + 300 }, JWT_SECRET);
    for (const token of [expired, early, foreign, wrongKey, tampered, unsigned, noSub]) {
      const res = await call(api.base, 'GET', '/tasks', { token });
      expectError(res, 401, 'unauthorized');
    }
  });

  it('never logs tokens', async () => {
    for (const who of Object.keys(TOKENS) as Who[])
      await call(api.base, 'GET', '/tasks?limit=1', { token: TOKENS[who] });
    await call(api.base, 'GET', '/tasks', { token: 'a-wrong-token-that-must-not-appear' });
    expect(logs).toContain('incoming request');
    for (const secret of [...Object.values(TOKENS), 'a-wrong-token-that-must-not-appear', JWT_SECRET, 'Bearer'])
      expect(logs).not.toContain(secret);
  });
});

describe.each(STORE_KINDS)('per-route scope overrides on $kind', ({ make }) => {
  it('applies scope rules from the file and rejects rules for routes that do not exist', async () => {
    const db = make();
    const config = authConfig({
      routes: {
        'GET /tasker/metrics': [],
        'GET /tasker/health/live': ['admin'],
        'POST /tasker/tasks': ['tasks:write', 'steps:operate'],
      },
    });
    const api = await startApi(
      db,
      { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()), concurrency: 0 },
      { auth: config },
    );
    try {
      expect((await call(api.base, 'GET', '/metrics', { token: TOKENS.nobody })).status).toBe(200);
      expectError(await call(api.base, 'GET', '/health/live'), 401, 'unauthorized');
      expectError(await call(api.base, 'GET', '/health/live', { token: TOKENS.reader }), 403, 'forbidden');
      expect((await call(api.base, 'GET', '/health/live', { token: TOKENS.admin })).status).toBe(200);
      expectError(
        await call(api.base, 'POST', '/tasks', { body: { namespace: 'api', name: 'fanout' }, token: TOKENS.writer }),
        403,
        'forbidden',
      );
      const doc = (await call(api.base, 'GET', '/openapi.json', { token: TOKENS.nobody })).json;
      expect(doc.paths['/tasker/tasks'].post['x-required-scopes']).toEqual(['tasks:write', 'steps:operate']);
      expect(doc.paths['/tasker/tasks'].post.security).toEqual([{ bearerAuth: [] }]);
      expect(doc.paths['/tasker/health/ready'].get.security).toEqual([]);
    } finally {
      await api.close();
      await db.cleanup();
    }
    const db2 = make();
    try {
      await expect(
        startApi(db2, { concurrency: 0 }, { auth: authConfig({ routes: { 'GET /tasker/taskz': ['admin'] } }) }),
      ).rejects.toThrow(/unknown route\(s\): GET \/tasker\/taskz/);
    } finally {
      await db2.cleanup();
    }
  });
});
