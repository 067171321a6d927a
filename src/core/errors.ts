// Named error classes that steer control flow: how a handler says "retry" or "give up", and how the engine and
// store report refusals (bad request, illegal operator action, unknown schema) to the CLI and the API. Each class
// carries a brand, `Symbol.for('tasker.error')`, which is how Tasker recognises its errors: never by class name (a
// user's own class may share it), and not by instanceof alone (a handlers module may import another copy of the
// package, e.g. the built `dist` while the engine runs from `src`; `Symbol.for` is the same symbol in both).
import { parseDuration } from './duration.js';

/** Every `code` a TaskerError can carry, with what it means. Stable and machine-readable. */
export const TASKER_ERROR_CODES = {
  invalid_request: 'a task request was rejected before anything was written (unknown template, bad context or field)',
  not_found: 'the named task or step does not exist',
  illegal_action: 'an operator action that is not legal in the current state',
  timeout: 'waitForTask gave up before the task finished',
  invalid_option: 'an option of Tasker.open, or the environment variable behind it, is out of range or malformed',
  template_invalid: 'a task template has problems (all of them are listed)',
  template_conflict: 'a different template is already registered under the same namespace/name@version',
  template_redefined: "a template's definition changed while its version did not (the store keeps the first one)",
  handler_invalid: 'a handler is not a function, class or object Tasker can call',
  handler_conflict: 'a different handler is already registered under the same name',
  handler_module: 'a handlers module cannot be loaded or exports something unusable',
  handlers_timeout: 'a handlers module took too long to load',
  dag_duplicate: 'a step graph names the same step twice',
  dag_cycle: 'a step graph has a cycle',
  store_schema: "the database's schema is newer than this code, or a migration failed",
  store_url: 'a store URL that no store accepts',
  auth_config: 'an auth tokens file or configuration of tasker/api that cannot be used',
  api_option: 'an option of createApiServer (tasker/api) that cannot be used',
  usage: 'a command-line usage problem (the CLI)',
} as const;

export type TaskerErrorCode = keyof typeof TASKER_ERROR_CODES;

/** What a branded error is: a TaskerError (refusal with a code), or a handler's PermanentError / RetryableError. */
export type TaskerErrorKind = 'error' | 'permanent' | 'retryable' | 'rate_limited';

const BRAND = Symbol.for('tasker.error');

function brand(cls: { prototype: object }, kind: TaskerErrorKind): void {
  Object.defineProperty(cls.prototype, BRAND, { value: kind });
}

/** The kind of a Tasker error from any copy of the package (or anything carrying the brand); undefined otherwise. */
export function taskerErrorKind(value: unknown): TaskerErrorKind | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const kind = (value as Record<symbol, unknown>)[BRAND];
  return kind === 'error' || kind === 'permanent' || kind === 'retryable' || kind === 'rate_limited' ? kind : undefined;
}

/** Base of every error Tasker raises on purpose. `code` is stable and machine-readable. */
export class TaskerError extends Error {
  override name = 'TaskerError';
  constructor(
    message: string,
    readonly code: TaskerErrorCode,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
brand(TaskerError, 'error');

/** Whether `value` is a TaskerError (any subclass, from any copy of the package): check `code` next. */
export function isTaskerError(value: unknown): value is TaskerError {
  return taskerErrorKind(value) === 'error';
}

export interface RetryableErrorOptions {
  /** Seconds until the next attempt, like HTTP Retry-After. Fractions allowed; 0 retries at once. */
  retryAfter?: number;
  errorCode?: string;
  cause?: unknown;
}

/** Thrown by a handler: this attempt failed, try again (within the step's retry limit). */
export class RetryableError extends Error {
  override name = 'RetryableError';
  readonly retryAfter: number | undefined;
  readonly errorCode: string | undefined;
  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.retryAfter !== undefined && !(Number.isFinite(options.retryAfter) && options.retryAfter >= 0)) {
      throw new TypeError(`RetryableError: retryAfter must be a number of seconds >= 0, got ${options.retryAfter}`);
    }
    this.retryAfter = options.retryAfter;
    this.errorCode = options.errorCode;
  }
}
brand(RetryableError, 'retryable');

export interface PermanentErrorOptions {
  errorCode?: string;
  cause?: unknown;
}

/** Thrown by a handler: this step can never succeed; do not retry. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  readonly errorCode: string | undefined;
  constructor(message: string, options: PermanentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorCode = options.errorCode;
  }
}
brand(PermanentError, 'permanent');

export interface RateLimitedErrorOptions {
  /**
   * How long to wait before the step runs again: milliseconds, or a duration such as '30s' (default 1 s, at most
   * 24 h).
   */
  retryAfter?: number | string;
  cause?: unknown;
}

/** The longest a RateLimitedError may put a step back for. */
export const MAX_RATE_LIMITED_MS = 86_400_000;

/**
 * Thrown by a handler: a downstream rate limit was hit. The attempt is not spent: the step waits (`waiting_for:
 * rate_limit`) for `retryAfterMs` and runs again; a step using a rate limit drains its bucket for that long.
 */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly retryAfterMs: number;
  constructor(options: RateLimitedErrorOptions = {}) {
    const ms = rateLimitedMs(options.retryAfter);
    super(`rate limited: retry after ${ms} ms`, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = ms;
  }
}
brand(RateLimitedError, 'rate_limited');

function rateLimitedMs(value: number | string | undefined): number {
  if (value === undefined) return 1_000;
  const parsed = parseDuration(typeof value === 'number' ? Math.ceil(value) : value);
  if ('error' in parsed) throw new TypeError(`RateLimitedError: retryAfter ${parsed.error}`);
  return Math.min(parsed.ms, MAX_RATE_LIMITED_MS);
}

/** A step's timeout elapsed; counts as a retryable failure. `limit` says which timeout applied. */
export class StepTimeoutError extends Error {
  override name = 'StepTimeoutError';
  readonly errorCode = 'timeout';
  constructor(
    readonly timeoutMs: number,
    limit?: string,
  ) {
    super(`step timed out after ${timeoutMs} ms${limit ? ` (${limit})` : ''}`);
  }
}

/** An operator action (retry/resolve/skip/cancel) that is not legal in the current state. HTTP 409. */
export class OperatorActionError extends TaskerError {
  override name = 'OperatorActionError';
  constructor(message: string, details?: unknown) {
    super(message, 'illegal_action', details);
  }
}

/** The named task or step does not exist. HTTP 404. */
export class NotFoundError extends TaskerError {
  override name = 'NotFoundError';
  constructor(message: string, details?: unknown) {
    super(message, 'not_found', details);
  }
}

/** A task request was rejected before anything was written (unknown template, invalid context, bad field). HTTP 400. */
export class InvalidRequestError extends TaskerError {
  override name = 'InvalidRequestError';
  constructor(message: string, details?: unknown) {
    super(message, 'invalid_request', details);
  }
}

/** The database holds a schema newer than this code knows, or a migration failed. */
export class StoreSchemaError extends TaskerError {
  override name = 'StoreSchemaError';
  constructor(message: string, details?: unknown) {
    super(message, 'store_schema', details);
  }
}

/** A store URL that no implementation accepts. */
export class StoreUrlError extends TaskerError {
  override name = 'StoreUrlError';
  constructor(message: string) {
    super(message, 'store_url');
  }
}
