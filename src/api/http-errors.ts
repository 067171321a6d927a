// Failures below the router, answered in the API's error envelope instead of Node's or Fastify's defaults: requests
// Node's HTTP parser rejects (400, 408, 431), an unknown `Expect` (417), an HTTP/1.1 request without Host (400)
// and requests that arrive while the server is closing (503). The errors the router sees are in errors.ts.
import type { Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

/** Node's own Host check answers 400 with no body; the hook below answers it in the envelope. */
export const HTTP_SERVER_OPTIONS = { requireHostHeader: false } as const;

const PARSE_STATUS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'the request headers are too large'],
};

function rawResponse(status: number, statusText: string, code: string, message: string, extra: string[] = []): string {
  const body = JSON.stringify(errorBody(code, message));
  return [
    `HTTP/1.1 ${status} ${statusText}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...extra,
    '',
    body,
  ].join('\r\n');
}

/** Fastify's `clientErrorHandler`: what Node's HTTP parser refused, in the envelope, then the socket is closed. */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string; reason?: string },
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = PARSE_STATUS[err.code ?? ''] ?? [
    400,
    'bad_request',
    `malformed HTTP request: ${err.reason ?? err.code ?? err.message}`,
  ];
  this.log.debug({ err: err.message, code: err.code }, 'malformed HTTP request');
  if (socket.writable) {
    const statusText =
      status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.write(rawResponse(status, statusText, code, message));
  }
  socket.destroy();
}

/** Install the Expect, Host and closing answers (call before the routes' own hooks). */
export function installHttpErrors(app: FastifyInstance, retryAfterSeconds: number): void {
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(
      errorBody(
        'expectation_failed',
        `unsupported Expect header '${String(request.headers.expect)}'; only 100-continue is understood`,
      ),
    );
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    response.end(body);
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (closing) {
      reply.header('connection', 'close').header('retry-after', String(retryAfterSeconds));
      return reply
        .code(503)
        .type('application/json; charset=utf-8')
        .send(errorBody('unavailable', 'the server is shutting down; retry on another instance or in a moment'));
    }
    if (request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1 && request.headers.host === undefined) {
      return reply
        .code(400)
        .type('application/json; charset=utf-8')
        .send(errorBody('bad_request', 'an HTTP/1.1 request needs a Host header'));
    }
    return undefined;
  });
}
