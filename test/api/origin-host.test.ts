// Cross-site request forgery and DNS rebinding over a real listening server: state-changing requests whose Origin
// is not the server's own are refused, as is any request whose Host is not a name of the bound address (loopback
// aliases count; allowedHosts/allowedOrigins add names); requests without an Origin (curl, the CLI) pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../../src/api/server.js';
import { openTestEngine } from '../support/engine.js';
import { sqliteDb, STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { startApi, taskCount, type ApiHarness } from './support/api.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';

const raw = rawRequest;

function expectRefused(res: RawAnswer, header: 'Origin' | 'Host', flag: string): void {
  expect(res.status, JSON.stringify(res.json)).toBe(403);
  expect(res.json.error.code).toBe('forbidden');
  expect(res.json.error.message).toContain(header);
  expect(res.json.error.message).toContain(flag);
  expect(res.json.error.details).toEqual([expect.objectContaining({ field: `headers.${header.toLowerCase()}` })]);
}

describe.each(STORE_KINDS)('Origin and Host checks on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  let port = 0;
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) });
    port = Number(new URL(api.base).port);
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  async function failedStep(): Promise<[number, number]> {
    const task = await api.tasker.submit({
      namespace: 'api',
      name: 'checkout',
      version: '1.0.0',
      context: { order_id: 3, fail_steps: ['charge'] },
    });
    const done = await api.tasker.waitForTask(task.task_id, { timeoutMs: 20_000 });
    return [task.task_id, done.workflow_steps.find((s) => s.name === 'charge')!.workflow_step_id];
  }

  it('refuses a cross-site bodyless POST, DELETE and task creation, and changes nothing', async () => {
    const [taskId, stepId] = await failedStep();
    const evil = { host: `127.0.0.1:${port}`, origin: 'https://evil.example' };
    expectRefused(
      await raw(port, 'POST', `/tasks/${taskId}/workflow_steps/${stepId}/skip`, evil),
      'Origin',
      '--allowed-origins',
    );
    expectRefused(await raw(port, 'DELETE', `/tasks/${taskId}`, evil), 'Origin', '--allowed-origins');
    const before = await taskCount(api.tasker);
    expectRefused(
      await raw(port, 'POST', '/tasks', evil, '127.0.0.1', JSON.stringify({ namespace: 'api', name: 'fanout' })),
      'Origin',
      '--allowed-origins',
    );
    for (const origin of [
      'null',
      `http://localhost:${port + 1}`,
      `http://127.0.0.1:${port + 1}`,
      `ftp://127.0.0.1:${port}`,
      'not a url',
    ]) {
      expectRefused(
        await raw(port, 'POST', `/tasks/${taskId}/workflow_steps/${stepId}/skip`, { ...evil, origin }),
        'Origin',
        '--allowed-origins',
      );
    }
    expect(await taskCount(api.tasker)).toBe(before);
    const task = await api.tasker.store.getTask(taskId);
    expect(task!.current_state).toBe('failed');
    expect(task!.workflow_steps.find((s) => s.workflow_step_id === stepId)!.current_state).toBe('failed');
    // Reads are not state-changing: a foreign Origin may GET (no CORS headers let a page read the answer).
    expect((await raw(port, 'GET', `/tasks/${taskId}`, evil)).status).toBe(200);
  });

  it('lets same-origin requests and requests without an Origin act', async () => {
    const [taskA, stepA] = await failedStep();
    const same = await raw(port, 'POST', `/tasks/${taskA}/workflow_steps/${stepA}/skip`, {
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port}`,
    });
    expect(same.status, JSON.stringify(same.json)).toBe(200);
    const [taskB, stepB] = await failedStep();
    const viaLocalhost = await raw(port, 'POST', `/tasks/${taskB}/workflow_steps/${stepB}/skip`, {
      host: `localhost:${port}`,
      origin: `http://LOCALHOST:${port}`,
    });
    expect(viaLocalhost.status, JSON.stringify(viaLocalhost.json)).toBe(200);
    const [taskC, stepC] = await failedStep();
    const noOrigin = await raw(port, 'POST', `/tasks/${taskC}/workflow_steps/${stepC}/skip`, {
      host: `127.0.0.1:${port}`,
    });
    expect(noOrigin.status, JSON.stringify(noOrigin.json)).toBe(200);
  });

  it('refuses a Host that is not a name of the bound address (DNS rebinding), for reads too', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `10.0.0.1:${port}`,
    ]) {
      expectRefused(await raw(port, 'GET', '/tasks', { host }), 'Host', '--allowed-hosts');
    }
    // The rebound page's own origin matches its Host, and is refused all the same.
    expectRefused(
      await raw(
        port,
        'POST',
        '/tasks',
        { host: `evil.example:${port}`, origin: `http://evil.example:${port}` },
        '127.0.0.1',
        '{"name":"fanout","namespace":"api"}',
      ),
      'Host',
      '--allowed-hosts',
    );
    expectRefused(await raw(port, 'GET', '/health/ready', { host: 'evil.example' }), 'Host', '--allowed-hosts');
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `LocalHost:${port}`,
      'localhost',
      `localhost.:${port}`,
    ]) {
      const res = await raw(port, 'GET', '/tasks?limit=1', { host });
      expect(res.status, `${host}: ${JSON.stringify(res.json)}`).toBe(200);
    }
  });

  it('still answers Fastify inject requests (Host localhost:80) and checks their Origin', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/tasker/health/live' })).statusCode).toBe(200);
    const refused = await api.app.inject({
      method: 'POST',
      url: '/tasker/tasks',
      headers: { origin: 'https://evil.example' },
      payload: { namespace: 'api', name: 'fanout' },
    });
    expect(refused.statusCode).toBe(403);
    const same = await api.app.inject({
      method: 'POST',
      url: '/tasker/tasks',
      headers: { origin: 'http://localhost' },
      payload: { namespace: 'api', name: 'fanout' },
    });
    expect(same.statusCode, same.body).toBe(201);
  });
});

describe('allowedHosts, allowedOrigins and wildcard binds', () => {
  it('adds names and origins, and accepts the connection address and loopback aliases on 0.0.0.0', async () => {
    const db = sqliteDb();
    const tasker = await openTestEngine(db, {
      templates: API_TEMPLATES,
      handlers: apiHandlers(new Controls()),
      concurrency: 0,
    });
    const app = createApiServer(tasker, {
      auth: false,
      allowedHosts: ['Tasker.Internal'],
      allowedOrigins: ['https://ops.example'],
    });
    try {
      await app.listen({ port: 0, host: '0.0.0.0' });
      const { port } = app.server.address() as AddressInfo;
      const body = JSON.stringify({ namespace: 'api', name: 'fanout' });
      expect((await raw(port, 'GET', '/tasks', { host: `tasker.internal:${port}` })).status).toBe(200);
      expect((await raw(port, 'GET', '/tasks', { host: `localhost:${port}` })).status).toBe(200);
      expectRefused(await raw(port, 'GET', '/tasks', { host: `other.internal:${port}` }), 'Host', '--allowed-hosts');
      const allowed = await raw(
        port,
        'POST',
        '/tasks',
        { host: `tasker.internal:${port}`, origin: 'https://ops.example' },
        '127.0.0.1',
        body,
      );
      expect(allowed.status, JSON.stringify(allowed.json)).toBe(201);
      expectRefused(
        await raw(
          port,
          'POST',
          '/tasks',
          { host: `tasker.internal:${port}`, origin: 'https://ops.example:8443' },
          '127.0.0.1',
          body,
        ),
        'Origin',
        '--allowed-origins',
      );
      // Through a non-loopback interface, its address is a name of the wildcard bind.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) {
        expect(
          (await raw(port, 'GET', '/tasks', { host: `${external.address}:${port}` }, external.address)).status,
        ).toBe(200);
        expectRefused(
          await raw(port, 'GET', '/tasks', { host: `evil.example:${port}` }, external.address),
          'Host',
          '--allowed-hosts',
        );
      }
    } finally {
      await app.close();
      await tasker.close();
      await db.cleanup();
    }
  });

  it('refuses malformed allowed origins and hosts when the server is built', async () => {
    const db = sqliteDb();
    const tasker = await openTestEngine(db, { concurrency: 0 });
    try {
      expect(() => createApiServer(tasker, { auth: false, allowedOrigins: ['ops.example'] })).toThrow(
        /allowedOrigins\[0\]: 'ops\.example' is not an origin/,
      );
      expect(() => createApiServer(tasker, { auth: false, allowedOrigins: ['https://ops.example/path'] })).toThrow(
        /allowedOrigins\[0\]/,
      );
      expect(() => createApiServer(tasker, { auth: false, allowedHosts: ['a b'] })).toThrow(
        /allowedHosts\[0\]: 'a b' is not a host name/,
      );
    } finally {
      await tasker.close();
      await db.cleanup();
    }
  });
});
