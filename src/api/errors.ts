// How the API answers failures: one envelope `{ error: { code, message, details } }` for every 4xx/5xx, mapping
// Fastify's own errors (validation, content type, body size, JSON syntax), TaskerErrors (TASKER_STATUS) and unknown
// routes. A store that is briefly unreachable or busy answers 503 `unavailable` with Retry-After. Anything else is a
// genuine server fault: logged, and answered 500 without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTaskerError, type TaskerErrorCode } from '../core/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** An error a route (or hook) raises on purpose with its HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details: unknown = null): ErrorBody {
  return { error: { code, message, details: details ?? null } };
}

/** Seconds a client is asked to wait (Retry-After) when the store is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_S = 1;

/**
 * The answer to each TaskerError code: a client-error status, or `fault` — the server's problem (a bad template or
 * handler, a store refusal), logged and answered 500 without its message. Typed over the whole union, so a new code
 * does not compile until it is given an answer here.
 */
export const TASKER_STATUS: Readonly<Record<TaskerErrorCode, 400 | 404 | 409 | 'fault'>> = {
  invalid_request: 400,
  not_found: 404,
  illegal_action: 409,
  timeout: 'fault',
  invalid_option: 'fault',
  template_invalid: 'fault',
  template_conflict: 'fault',
  template_redefined: 'fault',
  handler_invalid: 'fault',
  handler_conflict: 'fault',
  handler_module: 'fault',
  handlers_timeout: 'fault',
  dag_duplicate: 'fault',
  dag_cycle: 'fault',
  store_schema: 'fault',
  store_url: 'fault',
  auth_config: 'fault',
  api_option: 'fault',
  usage: 'fault',
};

/** Fastify's own error codes that come from bad client input, with the code we answer. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** `body.tags.2`, `query.limit`, `params.id`: where a validation error points, with unknown fields named. */
function fieldOf(context: string, e: AjvLikeError): string {
  const part = context === 'querystring' ? 'query' : context;
  const path = (e.instancePath ?? '').split('/').filter(Boolean).join('.');
  const extra =
    e.keyword === 'additionalProperties'
      ? String(e.params?.additionalProperty ?? '')
      : e.keyword === 'required'
        ? String(e.params?.missingProperty ?? '')
        : '';
  return [part, path, extra].filter(Boolean).join('.');
}

function validationDetails(
  context: string,
  errors: AjvLikeError[],
): Array<{ field: string; message: string; keyword?: string }> {
  return errors.map((e) => {
    const field = fieldOf(context, e);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `unknown field '${String(e.params?.additionalProperty)}'`;
    else if (e.keyword === 'required') message = `'${String(e.params?.missingProperty)}' is required`;
    else if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues))
      message = `must be one of ${(e.params!.allowedValues as unknown[]).join(', ')}`;
    return { field, message, ...(e.keyword ? { keyword: e.keyword } : {}) };
  });
}

/** The status and body for any thrown error; `fault` is true when it is the server's fault (log it). */
/** `unavailable(err)`: the engine's verdict that a store error is transient (Tasker.isStoreUnavailable). */
export function mapError(
  err: unknown,
  unavailable: (err: unknown) => boolean = () => false,
): { status: number; body: ErrorBody; headers: Record<string, string>; fault: boolean } {
  if (err instanceof ApiError)
    return {
      status: err.statusCode,
      body: errorBody(err.code, err.message, err.details),
      headers: err.headers,
      fault: false,
    };
  // A code this table lacks (another, newer copy of the package) is a fault like any unexpected error.
  const answer = isTaskerError(err) ? TASKER_STATUS[err.code] : undefined;
  if (isTaskerError(err) && typeof answer === 'number') {
    return {
      status: answer,
      body: errorBody(err.code, err.message, err.details ?? null),
      headers: {},
      fault: false,
    };
  }
  const fe = err as Partial<FastifyError> & { validation?: AjvLikeError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const context = fe.validationContext ?? 'request';
    const details = validationDetails(context, fe.validation);
    const message = `invalid ${context === 'querystring' ? 'query' : context}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`;
    return { status: 400, body: errorBody('invalid_request', message, details), headers: {}, fault: false };
  }
  // Store errors carry no HTTP status; a request stream that breaks (ECONNRESET from the client) does, and stays 4xx.
  if (typeof fe.statusCode !== 'number' && unavailable(err)) {
    const message = `the store is temporarily unavailable; retry in ${UNAVAILABLE_RETRY_AFTER_S} s (a repeated POST /tasks with the same idempotency_key never creates a second task)`;
    return {
      status: 503,
      body: errorBody('unavailable', message, null),
      headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) },
      fault: false,
    };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = (fe.code && FASTIFY_CODES[fe.code]) ?? 'bad_request';
    return { status, body: errorBody(code, fe.message ?? 'bad request', null), headers: {}, fault: false };
  }
  return {
    status: 500,
    body: errorBody('internal', 'internal server error; the server log has the details', null),
    headers: {},
    fault: true,
  };
}

/** Install the error and not-found handlers on the (root) instance. */
export function installErrorHandling(
  app: FastifyInstance,
  prefix: string,
  unavailable: (err: unknown) => boolean,
): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = mapError(err, unavailable);
    if (mapped.fault) request.log.error({ err }, 'request failed with an unexpected error');
    else if (mapped.status === 503)
      request.log.warn(
        { err: (err as Error).message, code: (err as { code?: unknown }).code },
        'store unavailable; answered 503',
      );
    for (const [k, v] of Object.entries(mapped.headers)) reply.header(k, v);
    return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(
        errorBody('not_found', `no route ${request.method} ${path}; see ${prefix}/openapi.json for the routes`, {
          method: request.method,
          path,
        }),
      );
  });
}

/** Fastify's `frameworkErrors` option: URL decoding failures answer in the same envelope. */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(err);
  void reply
    .code(mapped.status < 500 ? mapped.status : 400)
    .type('application/json; charset=utf-8')
    .send(mapped.body);
}
