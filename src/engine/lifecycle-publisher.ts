// Builds and publishes lifecycle event payloads. Every method checks for listeners first, so a process with no
// subscribers builds no payloads on the hot path. With tracing on, each payload carries the `trace_id` and `span_id`
// of the span it belongs to (the step's attempt, the task's end).
import type { Span } from '@opentelemetry/api';
import type { ClaimedStep, FinalizedTask, StepError, TaskIdentity } from '../core/store-contract.js';
import type { EventBus } from './event-bus.js';
import type { CustomEventPayload, StepEventName, StepEventPayload, TaskEventName, TaskEventPayload } from './events.js';
import { assertCustomEventName } from './events.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';

function base(task: TaskIdentity) {
  return {
    timestamp: new Date().toISOString(),
    task_id: task.task_id,
    task_name: task.name,
    namespace: task.namespace,
    version: task.version,
    correlation_id: task.correlation_id,
    run: task.run,
  };
}

/** `trace_id` and `span_id` of `span` on a payload (nothing without a span: tracing is off). */
function withTrace<P extends { trace_id?: string; span_id?: string }>(payload: P, span: Span | undefined): P {
  if (span) {
    const sc = span.spanContext();
    payload.trace_id = sc.traceId;
    payload.span_id = sc.spanId;
  }
  return payload;
}

/** A map instance's payload names its mapped step (metrics label by it) and the item's index, never `name[3]`. */
function nameTemplateStep(payload: { step_name?: string; map_index?: unknown }, name: string): void {
  const instance = parseMapInstanceName(name);
  if (instance) {
    payload.step_name = instance.step;
    payload.map_index = instance.index;
  }
}

export class LifecyclePublisher {
  constructor(readonly bus: EventBus) {}

  step(
    name: StepEventName,
    task: TaskIdentity,
    step: { step_id: number; name: string; attempt: number },
    extra: Partial<StepEventPayload> = {},
    error?: StepError | null,
    span?: Span,
  ): void {
    if (!this.bus.has(name)) return;
    const payload: StepEventPayload = {
      event: name,
      ...base(task),
      step_id: step.step_id,
      step_name: step.name,
      attempt_number: step.attempt,
      ...extra,
    };
    nameTemplateStep(payload, step.name);
    if (error) {
      payload.error_message = error.message;
      payload.error_class = error.class;
      payload.error_code = error.code ?? null;
    }
    this.bus.publish(withTrace(payload, span));
  }

  claimed(c: ClaimedStep, span?: Span): void {
    if (c.task_started) this.task('task.started', c.task, {}, span);
    const ref = { step_id: c.step_id, name: c.name, attempt: c.attempt };
    this.step('step.started', c.task, ref, {}, null, span);
    if (c.attempt > 1) this.step('step.retry_attempted', c.task, ref, {}, null, span);
  }

  task(name: TaskEventName, task: TaskIdentity, extra: Partial<TaskEventPayload> = {}, span?: Span): void {
    if (!this.bus.has(name)) return;
    this.bus.publish(withTrace({ event: name, ...base(task), ...extra }, span));
  }

  finalized(f: FinalizedTask, span?: Span): void {
    this.task(
      f.state === 'completed' ? 'task.completed' : 'task.failed',
      f,
      { total_duration: f.completed_at - f.created_at, step_count: f.step_count, current_state: f.state },
      span,
    );
  }

  /**
   * A claimed step's `step.publish`. Returned from a method rather than written in an object literal: tsx's
   * keepNames wraps a closure in a literal in a defineProperty(name) call, once per step on the hot path.
   */
  stepPublish(c: ClaimedStep, span?: Span): (eventName: string, payload?: Record<string, unknown>) => void {
    return (eventName, payload) => this.custom(c.task, { step_id: c.step_id, name: c.name }, eventName, payload, span);
  }

  custom(
    task: TaskIdentity,
    step: { step_id: number; name: string } | null,
    eventName: string,
    payload: Record<string, unknown> = {},
    span?: Span,
  ): void {
    assertCustomEventName(eventName);
    if (!this.bus.has(eventName)) return;
    const event: CustomEventPayload = {
      ...payload,
      event: eventName,
      ...base(task),
      ...(step ? { step_id: step.step_id, step_name: step.name } : {}),
    };
    if (step) nameTemplateStep(event, step.name);
    this.bus.publish(withTrace(event, span));
  }
}
