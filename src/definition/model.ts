// The validated task-template model: what a workflow *is*, after YAML or code-first input is normalised.
// Both the YAML loader and `defineTask` produce exactly these shapes, so they can be compared for equality.
import { TASKER_DEFAULTS } from '../core/defaults.js';

/** Exponential backoff policy for retries. All durations are milliseconds. */
export interface RetryPolicy {
  /** Delay before the second attempt. */
  base: number;
  /** Growth factor per further attempt. */
  multiplier: number;
  /** Upper bound on any single delay. */
  max: number;
  /** Fraction (0..1) of the delay that is randomised. 0 disables jitter. */
  jitter: number;
}

/** The default of every retry policy field (TASKER_DEFAULTS.retry): what a step's partial `retry` is merged over. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = TASKER_DEFAULTS.retry;

/** What each retry field must be: a template's `retry` and Tasker.open's `retry` are held to the same rules. */
export const RETRY_POLICY_RULES: Readonly<Record<keyof RetryPolicy, { ok: (n: number) => boolean; expected: string }>> =
  {
    base: { ok: (n) => n >= 0, expected: 'a number of milliseconds >= 0' },
    multiplier: { ok: (n) => n >= 1, expected: 'a number >= 1' },
    max: { ok: (n) => n >= 0, expected: 'a number of milliseconds >= 0' },
    jitter: { ok: (n) => n >= 0 && n <= 1, expected: 'a number between 0 and 1' },
  };

/**
 * A concurrency limit (flow control): at most `limit` at once — per value of `key` when given (context fields as
 * declared: `context.customer_id`, several comma-separated), else in all. Enforced by the store for every process.
 */
export interface ConcurrencySpec {
  key?: string;
  limit: number;
}

/**
 * A named rate limit (flow control): a token bucket kept in the store and shared by every step, template and worker
 * that uses the name. Tokens refill continuously at `limit` per `period`; the bucket holds `burst + 1` at most, so no
 * `period`-long window sees more than `limit + burst` starts (docs/flow-control.md).
 */
export interface RateLimitSpec {
  limit: number;
  /** Milliseconds. */
  period: number;
  /** Extra starts allowed at once beyond the steady rate; 0 when not declared. */
  burst: number;
}

/** A step's use of a named rate limit: one bucket for the name, or one per value of `key` (context fields). */
export interface RateLimitUse {
  name: string;
  /** Context fields as declared (`context.merchant_id`, several comma-separated), as in ConcurrencySpec. */
  key?: string;
}

/**
 * A durable wait (a step with no handler): for a named signal (with an optional timeout, ms), for a fixed time (ms)
 * after the step becomes ready, or until a time a value reference gives (`context.remind_at`). Exactly one of
 * `signal`, `duration` and `until`.
 */
export interface WaitSpec {
  signal?: string;
  /** Milliseconds a signal wait lasts before the step fails with `error.code = "timeout"`; absent: no limit. */
  timeout?: number;
  duration?: number;
  /** A value reference (`context.<path>` or `<step>.results.<path>`) holding an ISO 8601 time or epoch ms. */
  until?: string;
}

/** A sub-workflow: the step runs another template as a child task and completes with its results. */
export interface SubtaskSpec {
  namespace: string;
  name: string;
  /** Absent: the newest version registered when the parent task was created. */
  version?: string;
  /** The child's context, key by key, from value references; absent: the parent's context. */
  context_from?: Record<string, string>;
}

/** A map fan-out: one instance of the step per item of a list known at run time. */
export interface MapSpec {
  /** A value reference to the list: `context.<path>` or `<step>.results.<path>` (an upstream step). */
  over: string;
  /** At most this many instances of one task's map ready or running at once; absent: no limit. */
  max_parallel?: number;
}

/** One step of a template after normalisation. */
export interface StepTemplate {
  name: string;
  description?: string;
  dependent_system?: string;
  /** The handler class as declared; absent means "derive from the task handler's module". */
  handler_class?: string;
  handler_config: Record<string, unknown>;
  /** Union of `depends_on_step` (string or array) and `depends_on_steps`, in declaration order, without duplicates. */
  depends_on: string[];
  default_retryable: boolean;
  default_retry_limit: number;
  skippable: boolean;
  /** Milliseconds; absent means the template's `default_step_timeout`, else the worker's default (15 min). */
  timeout?: number;
  retry?: RetryPolicy;
  /** At most `limit` attempts of this step at once across all tasks and workers (per key value when keyed). */
  concurrency?: ConcurrencySpec;
  /** Each attempt takes a token of this named rate limit before it starts (`rate_limit: name[:context.field]`). */
  rate_limit?: RateLimitUse;
  /** A durable wait instead of a handler (signal, timer). */
  wait_for?: WaitSpec;
  /** A child task instead of a handler. */
  subtask?: SubtaskSpec;
  /** Run the step (its handler, or its subtask) once per item of a list. */
  map?: MapSpec;
}

/** What a schedule does with ticks that fell while nothing could create them (docs/flow-control.md). */
export const CATCH_UP_MODES = ['none', 'latest', 'all'] as const;
export type CatchUp = (typeof CATCH_UP_MODES)[number];
/** `catch_up` when a schedule does not say: missed ticks are skipped, as cron does. */
export const DEFAULT_CATCH_UP: CatchUp = 'none';

/** One cron schedule of a template after normalisation: every field present. */
export interface ScheduleTemplate {
  /** Unique within the template. */
  name: string;
  /** Five fields, or six with seconds first (definition/cron.ts). */
  cron: string;
  /** IANA time zone the expression is read in; default UTC. */
  timezone: string;
  /** The context of every task a tick creates (valid against the template's schema). */
  context: Record<string, unknown>;
  catch_up: CatchUp;
  /** False: declared but creates no ticks. */
  enabled: boolean;
}

/** A whole template after normalisation (environment overrides already merged). */
export interface TaskTemplate {
  name: string;
  namespace_name: string;
  version: string;
  description?: string;
  task_handler_class?: string;
  module_namespace?: string;
  default_dependent_system?: string;
  named_steps?: string[];
  /** Milliseconds a step without its own `timeout` may run; absent means the worker's default (15 min). */
  default_step_timeout?: number;
  /** JSON Schema for the task context (already compiled once by the validator). */
  schema?: Record<string, unknown>;
  /**
   * Claim priority of its tasks' steps, -1000..1000 (higher first; a request's `priority` overrides it); absent means
   * 0. Ready steps are claimed by priority, then by the time they became ready.
   */
  priority?: number;
  /**
   * At most `limit` tasks per key value run at once (the key is required): a task takes its slot when its first steps
   * become claimable and holds it until it finishes; the others wait `pending` (waiting_for `concurrency`), in order.
   */
  concurrency?: ConcurrencySpec;
  /** Rate limits this template declares, by name (shared with every template that uses the name). */
  rate_limits?: Record<string, RateLimitSpec>;
  step_templates: StepTemplate[];
  /** Cron schedules; absent when the template declares none. */
  schedules?: ScheduleTemplate[];
}

/** Where a template came from, for error messages and `tasker validate`. Kept out of the model so equality is structural. */
export interface TemplateSource {
  file?: string;
  environment?: string;
  /** 1-based line/column of each step's name in `file`, so later checks (e.g. missing handlers) can point at it. */
  stepPositions?: Record<string, { line: number; column: number }>;
}

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_VERSION = '0.1.0';
export const DEFAULT_RETRY_LIMIT = 3;
/** The longest timeout a timer can wait (2^31-1 ms, about 24.8 days); Node fires a longer one at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** `namespace/name@version`, the canonical printable key of a template. */
export function templateKey(t: Pick<TaskTemplate, 'namespace_name' | 'name' | 'version'>): string {
  return `${t.namespace_name}/${t.name}@${t.version}`;
}
