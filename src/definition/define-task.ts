// The code-first way to declare a template: the same keys as YAML, typed (dependencies must name declared steps),
// run through the same validator, so a YAML template and its TypeScript twin produce equal TaskTemplates.
import type { TaskTemplate } from './model.js';
import { validateTemplate } from './template-validator.js';
import { TemplateValidationError } from './validation-issue.js';

export interface RetryPolicyInput {
  base?: number;
  multiplier?: number;
  max?: number;
  jitter?: number;
}

export interface StepTemplateInput<S extends string = string> {
  name: S;
  description?: string;
  dependent_system?: string;
  handler_class?: string;
  handler_config?: Record<string, unknown>;
  depends_on_step?: NoInfer<S> | readonly NoInfer<S>[];
  depends_on_steps?: readonly NoInfer<S>[];
  default_retryable?: boolean;
  default_retry_limit?: number;
  skippable?: boolean;
  /** Milliseconds (default: the template's `default_step_timeout`, else the worker's, 15 min). */
  timeout?: number;
  retry?: RetryPolicyInput;
  /** At most `limit` attempts of this step at once across all tasks and workers (per key value when keyed). */
  concurrency?: ConcurrencyInput;
  /**
   * Each attempt first takes a token of this named rate limit: `'payment_gateway'`, or one bucket per key value with
   * `'payment_gateway:context.merchant_id'`.
   */
  rate_limit?: string;
  /**
   * A durable wait instead of a handler: `{ signal: 'approval', timeout: '48h' }`, `{ duration: '24h' }` or
   * `{ until: 'context.remind_at' }` (durations as text such as `'90s'`, or ms).
   */
  wait_for?: WaitForInput;
  /** Run another template as a child task; the step completes with its results (step name → results). */
  subtask?: SubtaskInput;
  /** One instance of the step per item of a list known at run time (`context.<path>` or `<step>.results.<path>`). */
  map?: { over: string; max_parallel?: number };
}

export type WaitForInput =
  { signal: string; timeout?: string | number } | { duration: string | number } | { until: string };

export interface SubtaskInput {
  namespace?: string;
  name: string;
  /** Default: the newest version registered when the parent task is created. */
  version?: string;
  /** The child's context, key by key, from value references; default: the parent's context. */
  context_from?: Record<string, string>;
}

/** `{ key: 'context.customer_id', limit: 1 }`: at most `limit` at once per key value (no key: in all; steps only). */
export interface ConcurrencyInput {
  key?: string;
  limit: number;
}

/** A named rate limit: at most `limit` starts per `period` (a duration such as `'1m'`, or ms), plus `burst`. */
export interface RateLimitInput {
  limit: number;
  period: string | number;
  /** Extra starts allowed at once beyond the steady rate (default 0). */
  burst?: number;
}

/** A cron schedule of the template (docs/flow-control.md, "Cron schedules"). */
export interface ScheduleInput {
  /** Unique within the template: letters, digits, `_`, `.` and `-`. */
  name: string;
  /** Five fields (`0 * * * *`), or six with seconds first (`30 0 * * * *`). */
  cron: string;
  /** IANA time zone the expression is read in (default `UTC`). */
  timezone?: string;
  /** The context of every task a tick creates; must match the template's `schema`. Default `{}`. */
  context?: Record<string, unknown>;
  /** Ticks missed while nothing ran or while paused: skip them (default), create the latest, or all (at most 100). */
  catch_up?: 'none' | 'latest' | 'all';
  /** False declares the schedule without ticking it. Default true. */
  enabled?: boolean;
}

/** An environment override: names an existing step and replaces the keys it gives. */
export type StepOverrideInput<S extends string = string> = Partial<Omit<StepTemplateInput<S>, 'name'>> & {
  name: NoInfer<S>;
};

export interface TaskTemplateInput<S extends string = string> {
  name: string;
  namespace_name?: string;
  version?: string;
  description?: string;
  task_handler_class?: string;
  module_namespace?: string;
  default_dependent_system?: string;
  /** Milliseconds a step without its own `timeout` may run (default: the worker's, 15 min). */
  default_step_timeout?: number;
  /** Claim priority of its tasks' steps, -1000..1000, higher first (default 0); a request's `priority` overrides it. */
  priority?: number;
  /** At most `limit` tasks per value of `key` (context fields) run at once; the others wait, in order. */
  concurrency?: ConcurrencyInput & { key: string };
  /** Named rate limits this template declares (shared by name with every template that uses them). */
  rate_limits?: Record<string, RateLimitInput>;
  named_steps?: readonly NoInfer<S>[];
  schema?: Record<string, unknown>;
  step_templates: ReadonlyArray<StepTemplateInput<S>>;
  environments?: Record<string, { step_templates?: ReadonlyArray<StepOverrideInput<S>> }>;
  schedules?: ReadonlyArray<ScheduleInput>;
}

export interface DefineTaskOptions {
  /** Environment whose overrides are merged; defaults to TASKER_ENV, then NODE_ENV. */
  env?: string;
}

/** Validate and normalise a template written in code. Throws TemplateValidationError listing every problem. */
export function defineTask<const S extends string>(
  input: TaskTemplateInput<S>,
  opts: DefineTaskOptions = {},
): TaskTemplate {
  const result = validateTemplate(input, opts.env !== undefined ? { env: opts.env } : {});
  if (result.template === undefined) {
    const subject =
      typeof input?.name === 'string'
        ? `task template '${input.namespace_name ?? 'default'}/${input.name}'`
        : undefined;
    throw new TemplateValidationError(result.issues, subject);
  }
  return result.template;
}
