// Lifecycle event names and payloads: the typed event map that subscribers receive.
// Each event is published exactly once per occurrence, by the process in which it happened.

export const TASK_EVENTS = ['task.started', 'task.completed', 'task.failed', 'task.cancelled'] as const;
export const STEP_EVENTS = [
  'step.started',
  'step.completed',
  'step.failed',
  /** A failed attempt will be retried (carries the error and when). */
  'step.attempt_failed',
  /** A retry attempt (attempt_number >= 2) has started. */
  'step.retry_attempted',
  'step.skipped',
  'step.cancelled',
  /**
   * A step parked without a lease or a worker slot: it waits for a signal, a timer, a child task or its map's
   * instances (`wait`, `reason`, `wait_until`), and starts again (`step.started`) when that comes.
   */
  'step.waiting',
] as const;

export type TaskEventName = (typeof TASK_EVENTS)[number];
export type StepEventName = (typeof STEP_EVENTS)[number];
export type LifecycleEventName = TaskEventName | StepEventName;

interface BasePayload {
  event: string;
  /** ISO-8601 time the event was published. */
  timestamp: string;
  task_id: number;
  task_name: string;
  namespace: string;
  version: string;
  correlation_id: string;
  /** The task's run (1, then one more per rerun from a step). */
  run: number;
  /** With tracing on: the trace of the task's submission (32 hex digits). */
  trace_id?: string;
  /** With tracing on: the span this event belongs to (the step attempt's `tasker.step`, the `tasker.task`). */
  span_id?: string;
}

export interface ErrorFields {
  error_message: string;
  error_class: string;
  error_code: string | null;
}

export interface TaskEventPayload extends BasePayload {
  event: TaskEventName;
  /** Milliseconds from creation to the end (end events only). */
  total_duration?: number;
  step_count?: number;
  current_state?: string;
}

export interface StepEventPayload extends BasePayload, Partial<ErrorFields> {
  event: StepEventName;
  step_id: number;
  /** The step template's name (a map instance's events name its mapped step; `map_index` says which item). */
  step_name: string;
  /** A map instance: its item's index. */
  map_index?: number;
  attempt_number: number;
  /** Milliseconds the attempt took (finished attempts only). */
  duration?: number;
  /** For step.attempt_failed: when the next attempt becomes due, and after how long. */
  next_attempt_at?: string;
  delay_ms?: number;
  reason?: string;
  /** For step.waiting: what the step waits for (`signal`, `timer`, `subtask` or `map`). */
  wait?: string;
  /** For step.waiting: when the wait ends at the latest (a timer's end, a signal's timeout), if it has an end. */
  wait_until?: string;
}

/** A custom event published by a handler with `step.publish('payment.authorised', {...})`. */
export interface CustomEventPayload extends BasePayload {
  event: string;
  step_id?: number;
  step_name?: string;
  [key: string]: unknown;
}

export interface LifecycleEventMap {
  'task.started': TaskEventPayload;
  'task.completed': TaskEventPayload;
  'task.failed': TaskEventPayload;
  'task.cancelled': TaskEventPayload;
  'step.started': StepEventPayload;
  'step.completed': StepEventPayload;
  'step.failed': StepEventPayload;
  'step.attempt_failed': StepEventPayload;
  'step.retry_attempted': StepEventPayload;
  'step.skipped': StepEventPayload;
  'step.cancelled': StepEventPayload;
  'step.waiting': StepEventPayload;
}

export type AnyEventPayload = TaskEventPayload | StepEventPayload | CustomEventPayload;

const DOTTED = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/i;

/** Custom event names are dotted (`payment.authorised`) and may not reuse the lifecycle namespaces' names. */
export function assertCustomEventName(name: string): void {
  if (!DOTTED.test(name)) {
    throw new TypeError(`event name '${name}' must be dotted, like 'payment.authorised'`);
  }
  if ((TASK_EVENTS as readonly string[]).includes(name) || (STEP_EVENTS as readonly string[]).includes(name)) {
    throw new TypeError(`event name '${name}' is a lifecycle event; handlers may only publish custom names`);
  }
}
