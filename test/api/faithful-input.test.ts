// The API never changes a request silently (both stores): numbers a double cannot hold as sent, unpaired surrogates,
// bytes that are not UTF-8, other charsets and duplicate keys are refused naming the field, and nothing is created;
// big integers sent as strings, and numbers within range, come back exactly as sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, taskCount, type ApiHarness } from './support/api.js';

const head = '{"namespace":"api","name":"checkout"';

describe.each(STORE_KINDS)('faithful request bodies on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()), concurrency: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  async function refused(
    raw: string | Uint8Array,
    status: number,
    code: string,
    field?: string,
    contentType = 'application/json',
  ) {
    const before = await taskCount(api.tasker);
    const res = await call(api.base, 'POST', '/tasks', { raw, contentType });
    expectError(res, status, code);
    if (field !== undefined)
      expect(
        res.json.error.details.map((d: { field: string }) => d.field),
        res.text,
      ).toContain(field);
    expect(await taskCount(api.tasker)).toBe(before);
    return res;
  }

  it('refuses numbers a double cannot hold as sent, naming the field', async () => {
    const overflow = await refused(
      `${head},"context":{"order_id":1,"amount":1e400}}`,
      400,
      'invalid_request',
      'body.context.amount',
    );
    expect(overflow.json.error.message).toContain('1e400');
    await refused(`${head},"context":{"order_id":9007199254740993}}`, 400, 'invalid_request', 'body.context.order_id');
    await refused(
      `${head},"context":{"order_id":1,"n":[1,-9007199254740992]}}`,
      400,
      'invalid_request',
      'body.context.n.1',
    );
    await refused(`${head},"context":{"order_id":1,"x":9007199254740993.0}}`, 400, 'invalid_request', 'body.context.x');
    await refused(`${head},"context":{"order_id":1,"tiny":1e-400}}`, 400, 'invalid_request', 'body.context.tiny');
    await refused(
      `{"namespace":"api","name":"checkout","context":{"order_id":1},"tags":[1e999]}`,
      400,
      'invalid_request',
      'body.tags.0',
    );
  });

  it('keeps numbers within range and big integers sent as strings exactly', async () => {
    const raw = `${head},"context":{"order_id":9007199254740991,"big":"123456789012345678901234567890","pi":3.141592653589793,"neg":-0.5e-300,"z":0e10}}`;
    const res = await call(api.base, 'POST', '/tasks', { raw, contentType: 'application/json' });
    expect(res.status, res.text).toBe(201);
    const back = await call(api.base, 'GET', `/tasks/${res.json.task_id}`);
    expect(back.text).toContain('"order_id":9007199254740991');
    expect(back.json.context).toEqual({
      order_id: 9007199254740991,
      big: '123456789012345678901234567890',
      pi: 3.141592653589793,
      neg: -0.5e-300,
      z: 0,
    });
  });

  it('refuses unpaired surrogates in idempotency_key, tags, keys and anywhere in the context', async () => {
    await refused(
      `${head},"context":{"order_id":1},"idempotency_key":"k-\\ud800"}`,
      400,
      'invalid_request',
      'body.idempotency_key',
    );
    await refused(`${head},"context":{"order_id":1},"tags":["ok","\\udc00x"]}`, 400, 'invalid_request', 'body.tags.1');
    await refused(
      `${head},"context":{"order_id":1,"deep":{"list":["a","\\ud83d"]}}}`,
      400,
      'invalid_request',
      'body.context.deep.list.1',
    );
    await refused(`${head},"context":{"order_id":1,"k\\udfff":1}}`, 400, 'invalid_request', 'body.context.k\udfff');
    // A proper pair is one character, and is kept.
    const ok = await call(api.base, 'POST', '/tasks', {
      raw: `${head},"context":{"order_id":1},"idempotency_key":"k-\\ud83d\\ude00"}`,
      contentType: 'application/json',
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.idempotency_key).toBe('k-😀');
  });

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD', async () => {
    const bytes = (key: number[]) =>
      new Uint8Array([
        ...Buffer.from(`${head},"context":{"order_id":1},"idempotency_key":"k-`),
        ...key,
        ...Buffer.from('"}'),
      ]);
    const a = await refused(bytes([0xff]), 400, 'malformed_json');
    expect(a.json.error.message).toMatch(/UTF-8/);
    await refused(bytes([0xed, 0xa0, 0x80]), 400, 'malformed_json'); // a surrogate encoded in UTF-8 (CESU-8)
    await refused(bytes([0xc3]), 400, 'malformed_json');
  });

  it('refuses charsets other than UTF-8 with 415 naming the charset', async () => {
    const body = `${head},"context":{"order_id":1}}`;
    const utf16 = await refused(
      Buffer.from(body, 'utf16le'),
      415,
      'unsupported_media_type',
      undefined,
      'application/json; charset=utf-16',
    );
    expect(utf16.json.error.message).toContain('utf-16');
    await refused(body, 415, 'unsupported_media_type', undefined, 'application/json; charset=latin1');
    for (const contentType of [
      'application/json; charset=UTF-8',
      'application/json; charset="utf-8"',
      'application/json;charset=utf8',
    ]) {
      expect((await call(api.base, 'POST', '/tasks', { raw: body, contentType })).status, contentType).toBe(201);
    }
  });

  it('refuses duplicate keys with different values instead of keeping the last one', async () => {
    const res = await refused(`${head},"context":{"order_id":1,"order_id":2}}`, 400, 'malformed_json');
    expect(res.json.error.message).toContain('order_id');
  });

  it('refuses such values in operator action bodies too', async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'api', name: 'checkout', context: { order_id: 5 } },
    });
    const step = created.json.workflow_steps[0].workflow_step_id;
    const res = await call(api.base, 'POST', `/tasks/${created.json.task_id}/workflow_steps/${step}/resolve`, {
      raw: '{"results":{"total":12345678901234567890},"reason":"ok"}',
      contentType: 'application/json',
    });
    expectError(res, 400, 'invalid_request');
    expect(res.json.error.details[0].field).toBe('body.results.total');
    expect((await call(api.base, 'GET', `/tasks/${created.json.task_id}`)).json.workflow_steps[0].current_state).toBe(
      'pending',
    );
  });
});
