// Connection limits over a real listening server: slow clients that trickle their headers byte by byte are closed
// (headers timeout), idle keep-alive connections are closed, connections over the cap are dropped, and normal
// requests still succeed; the defaults are applied and bad values refused when the server is built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../src/api/server.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_TIMEOUTS } from '../../src/api/server-options.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { openTestEngine } from '../support/engine.js';
import { sqliteDb, type TestDb } from '../support/stores.js';

const GUARD_MS = 20_000;
/** Every client socket opened here, destroyed at the end whatever happened. */
const sockets: Socket[] = [];

/** Resolves when the socket closes; rejects (a hang guard, not a timing assertion) if it is still open after GUARD_MS. */
function closed(socket: Socket, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    const guard = setTimeout(
      () => reject(new Error(`${what}: the server kept the connection open for ${GUARD_MS} ms`)),
      GUARD_MS,
    );
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(received);
    });
  });
}

function open(port: number, address = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, address, () => resolve(socket));
    sockets.push(socket);
    socket.once('error', reject);
  });
}

/** A slowloris client: a request line, then one header byte at a time, never finishing the head. */
async function slowClient(port: number): Promise<{ socket: Socket; stop: () => void }> {
  const socket = await open(port);
  socket.write('GET /tasker/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const bytes = 'X-Slow: ' + 'a'.repeat(10_000);
  let i = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(bytes[i++ % bytes.length]!);
  }, 50);
  socket.on('close', () => clearInterval(timer));
  return { socket, stop: () => clearInterval(timer) };
}

describe('server timeouts and connection cap', () => {
  let db: TestDb;
  let tasker: Tasker;
  let app: FastifyInstance;
  let port = 0;

  beforeAll(async () => {
    db = sqliteDb();
    tasker = await openTestEngine(db, { concurrency: 0 });
    app = createApiServer(tasker, {
      auth: false,
      timeouts: { headersMs: 400, requestMs: 800, keepAliveMs: 300, idleMs: 5000 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await app?.close();
    await tasker?.close();
    await db?.cleanup();
  });

  it('closes connections that trickle their headers, and still serves normal requests', async () => {
    const slow = await Promise.all([slowClient(port), slowClient(port), slowClient(port)]);
    const answers = await Promise.all(slow.map((c, i) => closed(c.socket, `slow client ${i}`)));
    for (const answer of answers) expect(answer).toMatch(/^(HTTP\/1\.1 408|$)/);
    const res = await fetch(`http://127.0.0.1:${port}/tasker/health/live`);
    expect(res.status).toBe(200);
  });

  it('closes an idle keep-alive connection after its request was answered', async () => {
    const socket = await open(port);
    const done = closed(socket, 'keep-alive connection');
    socket.write('GET /tasker/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const received = await done;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received.toLowerCase()).toContain('keep-alive');
  });

  it('drops connections over the cap on every bound address, and accepts again once others close', async () => {
    // A server of its own with the default timeouts, so the held connections stay open while the cap is tested;
    // on `localhost` Fastify binds 127.0.0.1 and ::1 (where available) with two servers.
    const capped = createApiServer(tasker, { auth: false, maxConnections: 3 });
    try {
      await capped.listen({ port: 0, host: 'localhost' });
      const connections = () =>
        new Promise<number>((ok, fail) => capped.server.getConnections((err, n) => (err ? fail(err) : ok(n))));
      for (const { address, port: cappedPort } of capped.addresses() as AddressInfo[]) {
        const held = await Promise.all(Array.from({ length: 3 }, () => open(cappedPort, address)));
        for (const s of held) s.write('GET /tasker/health/live HTTP/1.1\r\n');
        // Connections are accepted in the order they were made, so the next one is the fourth; on the main server
        // wait until the three are counted all the same.
        if (address === (capped.server.address() as AddressInfo).address) {
          while ((await connections()) < 3) await new Promise((r) => setTimeout(r, 10));
        }
        const extra = await open(cappedPort, address);
        expect(await closed(extra, `connection over the cap on ${address}`), address).toBe('');
        await Promise.all(
          held.map((s) => new Promise<void>((ok) => (s.destroyed ? ok() : s.once('close', () => ok()).destroy()))),
        );
      }
      while ((await connections()) > 0) await new Promise((r) => setTimeout(r, 10));
      const { port: mainPort } = capped.server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${mainPort}/tasker/health/live`)).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await capped.close();
    }
  });
});

describe('server limit options', () => {
  it('applies the documented defaults and refuses values that cannot work', async () => {
    const db = sqliteDb();
    const tasker = await openTestEngine(db, { concurrency: 0 });
    try {
      const app = createApiServer(tasker, { auth: false });
      expect(DEFAULT_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, idleMs: 60_000 });
      expect(DEFAULT_MAX_CONNECTIONS).toBe(1000);
      expect(app.server.headersTimeout).toBe(10_000);
      expect(app.server.requestTimeout).toBe(30_000);
      expect(app.server.keepAliveTimeout).toBe(5_000);
      expect(app.server.timeout).toBe(60_000);
      expect(app.server.maxConnections).toBe(1000);
      await app.close();
      expect(() => createApiServer(tasker, { auth: false, timeouts: { headersMs: 40_000 } })).toThrow(
        /timeouts\.headersMs \(40000\) must not exceed timeouts\.requestMs \(30000\)/,
      );
      expect(() => createApiServer(tasker, { auth: false, timeouts: { keepAliveMs: 0 } })).toThrow(
        /timeouts\.keepAliveMs must be a whole number of milliseconds/,
      );
      expect(() => createApiServer(tasker, { auth: false, maxConnections: 0 })).toThrow(
        /maxConnections must be a whole number/,
      );
    } finally {
      await tasker.close();
      await db.cleanup();
    }
  });
});
