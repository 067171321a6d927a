// The logger a step handler gets as `step.logger`: the few methods a handler needs, so the handler API does not depend
// on pino (a pino logger is one; so is anything with the same methods).

/** One log method: a message, or an object of fields and then a message (pino's order). */
export interface LogMethod {
  (message: string, ...args: unknown[]): void;
  (fields: object, message?: string, ...args: unknown[]): void;
}

/**
 * A logger bound to a step attempt: each line carries `task_id`, `workflow_step_id`, `step`, `namespace`, `task`,
 * `correlation_id` and `attempt` (and `trace_id` / `span_id` when tracing is on). `child(fields)` adds fields of your
 * own to every line it writes.
 */
export interface StepLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child(fields: Record<string, unknown>): StepLogger;
}
