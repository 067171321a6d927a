// What user code sees: the views passed to step handlers and task-handler hooks, the optional base classes
// (`StepHandler`, `ConfiguredTask`), and the runtime routing decision. Handlers may equally be plain functions or
// any class with `process()`; nothing here requires inheritance.
import type { Span } from '@opentelemetry/api';
import type { StepError, StepRecord } from './store-contract.js';
import type { StepState } from './states.js';
import type { StepLogger } from './step-logger.js';

/** Annotation written by `task.annotations.create(...)`. */
export interface AnnotationInput {
  annotation_type: string;
  content: unknown;
}

/** The task as a handler sees it. `context` is the validated context given at submission. */
export interface TaskView {
  readonly task_id: number;
  readonly namespace: string;
  readonly name: string;
  readonly version: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly context: any;
  readonly initiator: string | null;
  readonly source_system: string | null;
  readonly reason: string | null;
  readonly tags: readonly string[];
  readonly correlation_id: string;
  /**
   * The task's run: 1, then one more each time an operator reruns it from a step. A handler whose side effect must
   * happen again in a rerun includes it in its idempotency key (`${task_id}:${run}:${step}`).
   */
  readonly run: number;
  /**
   * For a task a cron schedule created: its tick time (or when it was triggered by hand), epoch milliseconds like the
   * step times; `new Date(task.scheduled_for)` reads it. Null for other tasks, and in the planning hook at submission.
   */
  readonly scheduled_for: number | null;
  readonly annotations: { create(annotation: AnnotationInput): Promise<void> };
}

/** A finished or in-flight step as seen from elsewhere in the task (an upstream step, or a step in a hook). */
export interface StepSnapshot {
  readonly workflow_step_id: number;
  readonly name: string;
  readonly current_state: StepState;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly results: any;
  readonly attempts: number;
  readonly error: StepError | null;
  readonly started_at: number | null;
  readonly completed_at: number | null;
  /** Milliseconds the last attempt took, when finished. */
  readonly duration: number | null;
}

/** The step's surroundings: upstream steps (all ancestors) with their results. */
export interface SequenceView {
  readonly steps: readonly StepSnapshot[];
  /**
   * An upstream step by name. Only ancestors are visible (their results are loaded with the claim); any other name
   * throws a PermanentError saying to add the step to `depends_on_step`.
   */
  findStepByName(name: string): StepSnapshot;
}

/** The step being processed. */
export interface StepView {
  readonly workflow_step_id: number;
  /** The step template's name (for a map instance too: `charge_line_item`, never `charge_line_item[3]`). */
  readonly name: string;
  readonly task_id: number;
  /**
   * A map instance (a step with `map`): the item of the list this instance runs for, as JSON. Undefined for any other
   * step.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly item?: any;
  /** A map instance: its item's index in the list (0-based). Undefined for any other step. */
  readonly index?: number;
  /** This attempt's number (1-based). */
  readonly attempts: number;
  readonly retry_limit: number;
  /** The step template's `handler_config`. */
  readonly config: Record<string, unknown>;
  /** Aborted on timeout, on task cancellation and when the worker loses its lease. */
  readonly signal: AbortSignal;
  /** A logger whose lines carry this task, step and attempt (docs/observability.md, Logs); made on first use. */
  readonly logger: StepLogger;
  /** Publish a custom event (a dotted name such as `payment.authorised`) to subscribers. */
  publish(eventName: string, payload?: Record<string, unknown>): void;
  /**
   * This attempt's `tasker.step` span (OpenTelemetry): add attributes or events to it. The handler already runs inside
   * its context, so spans it starts are its children. A span that records nothing while tracing is off.
   */
  readonly span: Span;
  /**
   * This attempt's W3C trace context (`traceparent`, and `tracestate` when there is one), to hand to a service that
   * should join the trace; null while tracing is off.
   */
  readonly traceContext: { readonly traceparent: string; readonly tracestate?: string } | null;
}

export type StepHandlerFunction = (task: TaskView, sequence: SequenceView, step: StepView) => unknown;

export interface StepHandlerLike {
  process(task: TaskView, sequence: SequenceView, step: StepView): unknown;
}

/** Optional base class for step handlers. */
export abstract class StepHandler implements StepHandlerLike {
  abstract process(task: TaskView, sequence: SequenceView, step: StepView): unknown;
}

/** Fields a task handler may change in `establishStepDependenciesAndDefaults`. */
export interface StepDefaultsPatch {
  /** false marks the step `skipped` before anything runs. */
  enabled?: boolean;
  /** Milliseconds; null leaves the step without one of its own (the template's or the worker's default applies). */
  timeout?: number | null;
  retry_limit?: number;
  retryable?: boolean;
}

/** A step as the establish hook sees it: not yet persisted, adjustable with `update`. */
export interface PlannedStep {
  readonly name: string;
  readonly handler_class: string;
  readonly depends_on: readonly string[];
  readonly current_state: 'pending' | 'skipped';
  readonly enabled: boolean;
  readonly timeout: number | null;
  readonly retry_limit: number;
  readonly retryable: boolean;
  update(patch: StepDefaultsPatch): void;
}

/** A whole step as `updateAnnotations` sees it at the end of a task. */
export type FinishedStep = StepSnapshot & Pick<StepRecord, 'depends_on' | 'retry_limit' | 'retryable'>;

export interface TaskHandlerLike {
  establishStepDependenciesAndDefaults?(task: TaskView, steps: PlannedStep[]): void | Promise<void>;
  updateAnnotations?(task: TaskView, sequence: SequenceView, steps: FinishedStep[]): void | Promise<void>;
}

/** Optional base class for task handlers (the seed's `Tasker::ConfiguredTask`): configuration comes from the template. */
export class ConfiguredTask implements TaskHandlerLike {
  establishStepDependenciesAndDefaults(_task: TaskView, _steps: PlannedStep[]): void | Promise<void> {}
  updateAnnotations(_task: TaskView, _sequence: SequenceView, _steps: FinishedStep[]): void | Promise<void> {}
}

const ROUTE_BRAND = Symbol.for('tasker.routing-decision');

/** Returned by a handler to choose which of its dependent steps run; the others (and what only they lead to) are skipped. */
export class RoutingDecision {
  readonly [ROUTE_BRAND] = true;
  constructor(
    readonly next: readonly string[],
    readonly results: unknown,
  ) {}
}

/** `return routeTo('manual_review', { risk: 0.9 })` from a handler. */
export function routeTo(next: string | readonly string[], results: unknown = null): RoutingDecision {
  return new RoutingDecision(typeof next === 'string' ? [next] : [...next], results);
}

export function isRoutingDecision(value: unknown): value is RoutingDecision {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ROUTE_BRAND] === true;
}
