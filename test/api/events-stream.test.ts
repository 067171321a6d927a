// The live event stream over real HTTP on both stores: a real client reads text/event-stream while the server's
// workers run a task (step and task events, in history id order), filters, Last-Event-ID resumes, events of a task
// run by another engine on the same store (fed from the store, not in-process), and a server that closes with streams
// open. Auth: tickets are single-use and carry the scopes of the token they were issued to; a token without
// tasks:read is refused.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';
import { openSse, type SseMessage, type SseStream } from './support/sse.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';

const isTask = (id: number) => (m: SseMessage) => m.data.task_id === id;

describe.each(STORE_KINDS)('event stream on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();
  const open: SseStream[] = [];

  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const s = await openSse(`${api.base}/events/stream${query}`, headers);
    open.push(s);
    return s;
  };
  const submit = async (body: Record<string, unknown>) => {
    const res = await call(api.base, 'POST', '/tasks', { body });
    expect(res.status, res.text).toBe(201);
    return res.json.task_id as number;
  };

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) });
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await api?.close();
    await db?.cleanup();
  });

  it("streams the step and task events of a task the server's workers run", async () => {
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const id = await submit({ namespace: 'ops', name: 'flaky' });
    await s.waitFor((m) => isTask(id)(m) && m.event === 'task.completed', 'task.completed');
    expect(s.comments).toContain('connected');
    const mine = s.messages.filter(isTask(id));
    expect(mine.map((m) => `${m.event} ${m.data.step ?? '-'} ${m.data.attempt ?? '-'}`)).toEqual([
      'task.started - -',
      'step.started wobble 1',
      'step.attempt_failed wobble 1',
      'step.started wobble 2',
      'step.attempt_failed wobble 2',
      'step.started wobble 3',
      'step.completed wobble 3',
      'step.started settle 1',
      'step.completed settle 1',
      'task.completed - -',
    ]);
    const ids = mine.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(mine[6]!.data).toEqual({
      task_id: id,
      workflow_step_id: expect.any(Number),
      step: 'wobble',
      namespace: 'ops',
      name: 'flaky',
      from_state: 'running',
      to_state: 'completed',
      attempt: 3,
      run: 1,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // the ids are the history ids of GET /tasks/:id/history
    const history = (await call(api.base, 'GET', `/tasks/${id}/history`)).json.history;
    expect(history.map((h: { id: number }) => h.id)).toEqual(ids);
  });

  it('filters by task_id and namespace', async () => {
    const first = await submit({ namespace: 'ops', name: 'flaky' });
    const byTask = await stream(`?task_id=${first + 1}`);
    const byNamespace = await stream('?namespace=api');
    const second = await submit({ namespace: 'ops', name: 'flaky' });
    const third = await submit({ namespace: 'api', name: 'fanout' });
    expect(second).toBe(first + 1);
    await byTask.waitFor((m) => m.event === 'task.completed', 'the filtered task to complete');
    await byNamespace.waitFor((m) => isTask(third)(m) && m.event === 'task.completed', 'the api task to complete');
    await api.tasker.waitForTask(second, { timeoutMs: 20_000 });
    expect(byTask.messages.every(isTask(second))).toBe(true);
    expect(byNamespace.messages.every((m) => m.data.namespace === 'api')).toBe(true);
    expect(byNamespace.messages.some(isTask(second))).toBe(false);
    expectError(await call(api.base, 'GET', '/events/stream?task_id=abc'), 400, 'invalid_request');
    expectError(await call(api.base, 'GET', '/events/stream?colour=red'), 400, 'invalid_request');
  });

  it('resumes after Last-Event-ID with what the client missed', async () => {
    const before = await stream();
    const a = await submit({ namespace: 'api', name: 'fanout' });
    const lastSeen = await before.waitFor((m) => isTask(a)(m) && m.event === 'task.completed', 'task a');
    before.close();
    const b = await submit({ namespace: 'api', name: 'fanout' });
    await api.tasker.waitForTask(b, { timeoutMs: 20_000 });
    const resumed = await stream('', { 'last-event-id': lastSeen.id! });
    await resumed.waitFor((m) => isTask(b)(m) && m.event === 'task.completed', 'task b from the catch-up');
    expect(resumed.messages.some(isTask(a))).toBe(false);
    const ids = resumed.messages.map((m) => Number(m.id));
    expect(ids.every((i) => i > Number(lastSeen.id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const history = (await call(api.base, 'GET', `/tasks/${b}/history`)).json.history;
    expect(resumed.messages.filter(isTask(b)).map((m) => Number(m.id))).toEqual(
      history.map((h: { id: number }) => h.id),
    );
    expectError(await call(api.base, 'GET', '/events/stream', { headers: { 'last-event-id': 'x1' } }), 400);
  });

  it('carries the events of a task another engine runs on the same store', async () => {
    // a second server whose engine runs no steps: whatever it streams came from the store
    const watcher = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls), concurrency: 0 });
    try {
      const s = await openSse(`${watcher.base}/events/stream?namespace=ops`);
      open.push(s);
      const id = await submit({ namespace: 'ops', name: 'flaky' });
      await s.waitFor((m) => isTask(id)(m) && m.event === 'task.completed', 'the other engine to finish');
      const history = (await call(api.base, 'GET', `/tasks/${id}/history`)).json.history;
      expect(s.messages.filter(isTask(id)).map((m) => Number(m.id))).toEqual(history.map((h: { id: number }) => h.id));
    } finally {
      await watcher.close();
    }
  });

  it('ends open streams when the server closes', async () => {
    const second = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls), concurrency: 0 });
    const s = await openSse(`${second.base}/events/stream`);
    expect(s.status).toBe(200);
    await second.close();
    await s.ended;
  });
});

describe.each(STORE_KINDS)('event stream auth on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const TOKENS = { reader: 'reader-token-0123456789abcdef', writer: 'writer-token-0123456789abcdef' };
  const open: SseStream[] = [];

  beforeAll(async () => {
    db = make();
    api = await startApi(
      db,
      { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) },
      {
        auth: {
          tokens: [
            { name: 'reader', token: TOKENS.reader, scopes: ['tasks:read'] },
            { name: 'writer', token: TOKENS.writer, scopes: ['tasks:write'] },
          ],
        },
      },
    );
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await api?.close();
    await db?.cleanup();
  });

  const sse = async (query: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`${api.base}/events/stream${query}`, headers);
    open.push(s);
    return s;
  };

  it('opens the stream with a single-use ticket that is not the token', async () => {
    const res = await call(api.base, 'POST', '/events/tickets', { token: TOKENS.reader });
    expect(res.status, res.text).toBe(201);
    const { ticket, expires_at } = res.json;
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ticket).not.toContain(TOKENS.reader);
    expect(ticket).not.toBe(createHash('sha256').update(TOKENS.reader).digest('base64url'));
    const ttl = Date.parse(expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const s = await sse(`?ticket=${ticket}`);
    expect(s.status).toBe(200);
    const id = (
      await call(api.base, 'POST', '/tasks', { token: TOKENS.writer, body: { namespace: 'ops', name: 'flaky' } })
    ).json.task_id;
    await s.waitFor((m) => isTask(id)(m) && m.event === 'task.completed', 'the task over a ticket stream');
    const again = await call(api.base, 'GET', `/events/stream?ticket=${ticket}`);
    expectError(again, 401, 'unauthorized');
    expect(again.json.error.message).toMatch(/already used or expired/);
    expectError(await call(api.base, 'GET', '/events/stream?ticket=made-up-ticket'), 401, 'unauthorized');
    const withBody = await call(api.base, 'POST', '/events/tickets', { token: TOKENS.reader, body: {} });
    expect(withBody.status, withBody.text).toBe(201);
    expectError(
      await call(api.base, 'POST', '/events/tickets', { token: TOKENS.reader, body: { scopes: ['admin'] } }),
      400,
      'invalid_request',
    );
  });

  it('refuses a token without tasks:read, for tickets and for the stream', async () => {
    expectError(await call(api.base, 'POST', '/events/tickets', { token: TOKENS.writer }), 403, 'forbidden');
    expectError(await call(api.base, 'POST', '/events/tickets'), 401, 'unauthorized');
    expectError(await call(api.base, 'GET', '/events/stream', { token: TOKENS.writer }), 403, 'forbidden');
    expectError(await call(api.base, 'GET', '/events/stream'), 401, 'unauthorized');
    const byHeader = await sse('', { authorization: `Bearer ${TOKENS.reader}` });
    expect(byHeader.status).toBe(200);
    const { ticket } = (await call(api.base, 'POST', '/events/tickets', { token: TOKENS.reader })).json;
    const both = await call(api.base, 'GET', `/events/stream?ticket=${ticket}`, { token: TOKENS.reader });
    expectError(both, 400, 'invalid_request');
  });
});
