// Named error classes that steer control flow: how a handler says "retry" or "give up", and how the engine and
// store report refusals (bad request, illegal operator action, unknown schema) to the CLI and the API.

/** Base of every error Tasker raises on purpose. `code` is stable and machine-readable. */
export class TaskerError extends Error {
  override name = 'TaskerError';
  constructor(
    message: string,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
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
