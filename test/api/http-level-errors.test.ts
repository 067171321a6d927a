// Requests malformed at the HTTP level — refused by Node's parser before any route sees them, an unknown Expect,
// a missing Host — and requests arriving while the server closes are answered in the API's error envelope, over
// real sockets (fetch cannot send such bytes).
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { startApi, type ApiHarness } from './support/api.js';
import { createApiServer } from '../../src/api/server.js';
import { openTestEngine } from '../support/engine.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Write `chunks` on a fresh connection (awaiting `between` after the first) and read answers until the server closes. */
async function rawExchange(port: number, chunks: string[], between?: () => Promise<void>): Promise<RawAnswer[]> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close after 10 s; got ${JSON.stringify(out.slice(0, 300))}`));
    }, 10_000);
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(out);
    });
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for (let i = 0; i < chunks.length; i++) {
        socket.write(chunks[i]!);
        if (i === 0 && between) await between();
      }
    });
  });
  const answers: RawAnswer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const lines = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(
      lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    const bodyBytes = Buffer.from(rest.slice(headEnd + 4), 'utf8');
    answers.push({
      status: Number(lines[0]!.split(' ')[1]),
      headers,
      body: bodyBytes.subarray(0, length).toString('utf8'),
    });
    rest = bodyBytes.subarray(length).toString('utf8');
  }
  return answers;
}

function expectEnvelope(answer: RawAnswer | undefined, status: number, code: string): void {
  expect(answer, 'an answer').toBeDefined();
  expect(answer!.status, answer!.body).toBe(status);
  expect(answer!.headers['content-type']).toMatch(/^application\/json/);
  const json = JSON.parse(answer!.body);
  expect(json).toEqual({ error: { code, message: expect.any(String), details: null } });
}

describe('HTTP-level errors', () => {
  let db: TestDb;
  let api: ApiHarness;
  let port: number;

  beforeAll(async () => {
    db = sqliteDb();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()), concurrency: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it("answers what Node's HTTP parser refuses with 400 bad_request in the envelope", async () => {
    const requests = [
      'GARBAGE\r\n\r\n',
      'FOO /tasker/tasks HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /tasker/tasks HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
      'POST /tasker/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /tasker/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      'GET /tasker/tasks HTTP/9.9\r\nHost: x\r\n\r\n',
      'POST /tasker/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'POST /tasker/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
      'GET /tasker/tasks/\u0001 HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (const request of requests) {
      const [answer] = await rawExchange(port, [request]);
      expectEnvelope(answer, 400, 'bad_request');
      expect(JSON.parse(answer!.body).error.message, JSON.stringify(request)).toMatch(/^malformed HTTP request: /);
    }
  });

  it('answers oversized headers with 431 headers_too_large', async () => {
    const [answer] = await rawExchange(port, [
      `GET /tasker/tasks HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    expectEnvelope(answer, 431, 'headers_too_large');
  });

  it('answers an unknown Expect with 417 and a missing Host with 400, in the envelope', async () => {
    const [expectation] = await rawExchange(port, [
      'POST /tasker/tasks HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    ]);
    expectEnvelope(expectation, 417, 'expectation_failed');
    const [noHost] = await rawExchange(port, ['GET /tasker/tasks HTTP/1.1\r\nConnection: close\r\n\r\n']);
    expectEnvelope(noHost, 400, 'bad_request');
    const [http10] = await rawExchange(port, ['GET /tasker/tasks HTTP/1.0\r\n\r\n']);
    expect(http10?.status).toBe(200);
  });

  it('answers a request that arrives while the server closes with 503 unavailable', async () => {
    const extraDb = sqliteDb();
    const tasker = await openTestEngine(extraDb, {
      templates: API_TEMPLATES,
      handlers: apiHandlers(new Controls()),
      concurrency: 0,
    });
    const app = createApiServer(tasker, { auth: false });
    // Resolved when the first request's head has been read, i.e. it is in flight.
    let seen!: () => void;
    const firstSeen = new Promise<void>((resolve) => (seen = resolve));
    app.addHook('onRequest', async () => seen());
    let closing!: () => void;
    const closeStarted = new Promise<void>((resolve) => (closing = resolve));
    app.addHook('preClose', async () => closing());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const extraPort = (app.server.address() as AddressInfo).port;
    let closed: Promise<void> | undefined;
    const body = '{"namespace":"api","name":"checkout","context":{"order_id":1}}';
    // The first request is in flight (its body incomplete) when close() starts; the second is pipelined behind it.
    const host = `127.0.0.1:${extraPort}`; // a name of the server (others are refused, see origin-host.test.ts)
    const first = `POST /tasker/tasks HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answers = await rawExchange(
      extraPort,
      [first, `${body}GET /tasker/tasks HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
      async () => {
        await firstSeen;
        closed = app.close();
        await closeStarted;
      },
    );
    await closed;
    await tasker.close();
    await extraDb.cleanup();
    expect(answers[0]?.status, answers[0]?.body).toBe(201);
    expectEnvelope(answers[1], 503, 'unavailable');
    expect(answers[1]!.headers['retry-after']).toBeDefined();
  });
});
