// Bad input never answers 500 (both stores): malformed JSON, wrong Content-Type, bodies over the limit, wrong
// types, unknown fields, bad ids and pagination, unknown routes — each a 4xx in the error envelope, and nothing
// half-created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, taskCount, type ApiHarness } from './support/api.js';

const BODY_LIMIT = 64 * 1024;

describe.each(STORE_KINDS)('bad input on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let before = 0;

  beforeAll(async () => {
    db = make();
    api = await startApi(
      db,
      { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) },
      { bodyLimit: BODY_LIMIT },
    );
    before = await taskCount(api.tasker);
  });
  afterAll(async () => {
    // Nothing any test here sent may have created a task.
    expect(await taskCount(api.tasker)).toBe(before);
    await api?.close();
    await db?.cleanup();
  });

  const valid = { namespace: 'api', name: 'checkout', context: { order_id: 1 } };

  it('answers 400 malformed_json for broken, empty and prototype-poisoning JSON', async () => {
    for (const raw of [
      '{"name":',
      '{name: "checkout"}',
      "{'a':1}",
      '[1,2',
      'nul',
      '{"a":1}}',
      '\u0000',
      '{"name":"checkout","__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
    ]) {
      expectError(
        await call(api.base, 'POST', '/tasks', { raw, contentType: 'application/json' }),
        400,
        'malformed_json',
      );
    }
    expectError(
      await call(api.base, 'POST', '/tasks', { raw: '', contentType: 'application/json' }),
      400,
      'malformed_json',
    );
  });

  it('answers 415 for bodies that are not application/json', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'image/png',
    ]) {
      const res = await call(api.base, 'POST', '/tasks', { raw: JSON.stringify(valid), contentType });
      expectError(res, 415, 'unsupported_media_type');
    }
    expectError(
      await call(api.base, 'POST', '/tasks', { raw: new Uint8Array([1, 2, 3]) }),
      415,
      'unsupported_media_type',
    );
  });

  it('answers 413 for bodies over the limit, on creation and on operator actions', async () => {
    const big = { ...valid, context: { order_id: 1, blob: 'x'.repeat(BODY_LIMIT) } };
    expectError(await call(api.base, 'POST', '/tasks', { body: big }), 413, 'payload_too_large');
    expectError(
      await call(api.base, 'POST', '/tasks/1/workflow_steps/1/resolve', { body: { results: 'x'.repeat(BODY_LIMIT) } }),
      413,
      'payload_too_large',
    );
    const justUnder = { ...valid, namespace: 'nope', context: { blob: 'x'.repeat(BODY_LIMIT - 200) } };
    expectError(await call(api.base, 'POST', '/tasks', { body: justUnder }), 400, 'invalid_request');
  });

  it('answers 400 for wrong types, unknown fields and bodies that are not objects, naming the fields', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...valid, name: 5 }, 'body.name'],
      [{ ...valid, context: 'order 1' }, 'body.context'],
      [{ ...valid, context: [1] }, 'body.context'],
      [{ ...valid, tags: 'a,b' }, 'body.tags'],
      [{ ...valid, tags: [1] }, 'body.tags.0'],
      [{ ...valid, idempotency_key: 'k'.repeat(256) }, 'body.idempotency_key'],
      [{ ...valid, idempotency_key: '' }, 'body.idempotency_key'],
      [{ ...valid, bypass_steps: [{}] }, 'body.bypass_steps.0'],
      [{ ...valid, priority: 'high' }, 'body.priority'],
      [{ ...valid, Name: 'checkout' }, 'body.Name'],
      [{ namespace: 'api' }, 'body.name'],
      [{ ...valid, name: '' }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const res = await call(api.base, 'POST', '/tasks', { body });
      expectError(res, 400, 'invalid_request');
      expect(
        res.json.error.details.map((d: { field: string }) => d.field),
        JSON.stringify(body).slice(0, 80),
      ).toContain(field);
    }
    for (const body of [null, [], 'checkout', 42, true]) {
      expectError(await call(api.base, 'POST', '/tasks', { body }), 400, 'invalid_request');
    }
  });

  it('answers 400 for ids of the wrong form on every id route', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/tasks/:id'],
      ['DELETE', '/tasks/:id'],
      ['GET', '/tasks/:id/workflow_steps'],
      ['GET', '/tasks/1/workflow_steps/:id'],
      ['POST', '/tasks/:id/workflow_steps/1/retry'],
      ['POST', '/tasks/1/workflow_steps/:id/resolve'],
      ['POST', '/tasks/:id/workflow_steps/1/skip'],
      ['POST', '/tasks/:id/retry'],
    ];
    for (const [method, path] of routes) {
      // A step segment that is not all digits is a step name (404 when the task has none such), so only bad ids count.
      const bads = path.startsWith('/tasks/1/')
        ? ['0', '00', '9007199254740993']
        : ['abc', '-5', '0', '2.5', '1e999', '9007199254740993', '0x10', 'true'];
      for (const bad of bads) {
        const res = await call(api.base, method, path.replace(':id', bad), method === 'POST' ? { body: {} } : {});
        expectError(res, 400, 'invalid_request');
      }
    }
    const long = await call(api.base, 'GET', `/tasks/${'9'.repeat(600)}`);
    expect(long.status).toBeGreaterThanOrEqual(400);
    expect(long.status).toBeLessThan(500);
    expect(long.json.error.code).toBeTypeOf('string');
    expectError(await call(api.base, 'GET', '/tasks/%E0%A4%A'), 400, 'bad_request');
  });

  it('answers 400 for huge, negative and non-numeric pagination', async () => {
    for (const q of [
      'limit=1000000',
      'limit=-100',
      'limit=1.5',
      'limit=',
      'limit=NaN',
      'limit=Infinity',
      'cursor=',
      `cursor=${'A'.repeat(600)}`,
      'limit=10&limit=20',
      'namespace=%00',
      'name=a%00',
      'version=%00',
    ]) {
      expectError(await call(api.base, 'GET', `/tasks?${q}`), 400, 'invalid_request');
    }
  });

  it('answers 404 JSON for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/tasks/1/steps'],
      ['PUT', '/tasks/1'],
      ['PATCH', '/tasks'],
      ['POST', '/health'],
      ['DELETE', '/tasks'],
    ] as const) {
      const res = await call(api.base, method, path);
      expectError(res, 404, 'not_found');
      expect(res.json.error.details).toMatchObject({ method });
    }
    const outside = await fetch(api.base.replace('/tasker', '/elsewhere'));
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
