// The engine's spans (docs/observability.md, "Traces"): `tasker.submit` per created task, `tasker.step` per attempt
// (a child of the submission's context the task keeps in the store, on whatever worker runs it), short step spans for
// steps skipped at run time or by an operator, and `tasker.task` when a task ends. Callers ask `active()` once per
// batch or submission and call nothing else while it is false, so a process without an SDK pays for none of it.
import { ROOT_CONTEXT, SpanKind, context, trace, type Context, type Span } from '@opentelemetry/api';
import type { ClaimedStep, FinalizedTask, NewTask, Store, StepError, TaskIdentity } from '../core/store-contract.js';
import { ATTR, SPANS, recordFailure, taskerTracer, tracingActive } from '../telemetry/tracing.js';
import { contextFromStored, encodeTraceContext } from '../telemetry/trace-context.js';
import type { Execution } from './step-execution.js';
import type { TaskTemplate } from '../definition/model.js';
import type { TaskPlan } from './task-planner.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';

const PARENT_CACHE_LIMIT = 10_000;

/** How a step attempt ended, as `tasker.step.outcome`. */
export type StepSpanOutcome =
  | 'completed'
  | 'retrying'
  | 'failed'
  | 'timed_out'
  | 'released'
  | 'rate_limited'
  | 'parked'
  | 'cancelled'
  | 'lease_lost'
  | 'stale'
  | 'skipped'
  | 'resolved_manually';

function taskAttributes(task: TaskIdentity): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    [ATTR.taskId]: task.task_id,
    [ATTR.namespace]: task.namespace,
    [ATTR.taskName]: task.name,
    [ATTR.taskVersion]: task.version,
  };
  if (task.correlation_id) attributes[ATTR.correlationId] = task.correlation_id;
  return attributes;
}

export class TaskTracing {
  /** Each task's parent context (its submission's), decoded once: null when it was submitted untraced. */
  private readonly parents = new Map<number, Context | null>();

  constructor(
    private readonly store: Store,
    private readonly workerId: string,
  ) {}

  active(): boolean {
    return tracingActive();
  }

  // --- submission ------------------------------------------------------------------------------------------------

  /**
   * A `tasker.submit` span, a child of the caller's active context (or, `root`, of none: a schedule's tick starts its
   * own trace); the task row keeps `storedContext(span)`.
   */
  startSubmit(namespace: string, name: string, root = false): Span {
    return taskerTracer().startSpan(
      SPANS.submit,
      { kind: SpanKind.PRODUCER, attributes: { [ATTR.namespace]: namespace, [ATTR.taskName]: name } },
      root ? ROOT_CONTEXT : context.active(),
    );
  }

  /** Run `fn` with `span` as the active span (the planning hook, the store call). */
  within<T>(span: Span, fn: () => T): T {
    return context.with(trace.setSpan(context.active(), span), fn);
  }

  storedContext(span: Span): string | null {
    return encodeTraceContext(span.spanContext());
  }

  /** End a submission span: the task it made (or found by its idempotency key), or the error. */
  endSubmit(
    span: Span,
    task: TaskIdentity | null,
    created: boolean,
    skipped: readonly string[] = [],
    error?: unknown,
  ): void {
    if (task) span.setAttributes({ ...taskAttributes(task), [ATTR.created]: created });
    for (const name of skipped) span.addEvent('tasker.step.skipped', { [ATTR.stepName]: name });
    if (error !== undefined) recordFailure(span, error);
    span.end();
  }

  /** `tasker.submit` spans for a batch (none while tracing is off), each task given its span's context to keep. */
  startSubmits(tasks: NewTask[]): Span[] {
    if (!this.active()) return [];
    return tasks.map((task) => {
      const span = this.startSubmit(task.namespace, task.name);
      task.trace_context = this.storedContext(span);
      return span;
    });
  }

  /** End a submission span once its task was created (or found by its idempotency key) in the store. */
  endSubmitPlan(span: Span, plan: TaskPlan, res: { task_id: number; created: boolean }): void {
    const skipped = res.created ? plan.task.steps.filter((s) => s.initial_state === 'skipped').map((s) => s.name) : [];
    this.endSubmit(span, { ...plan.task, task_id: res.task_id, run: 1 }, res.created, skipped);
  }

  /** End a submission span whose idempotency key named an existing task (its correlation id is not known here). */
  endSubmitExisting(span: Span, t: TaskTemplate, taskId: number): void {
    const identity = { task_id: taskId, namespace: t.namespace_name, name: t.name, version: t.version };
    this.endSubmit(span, { ...identity, correlation_id: '', run: 1 }, false);
  }

  // --- steps -----------------------------------------------------------------------------------------------------

  /** A `tasker.step` span for a claimed attempt, started now, parented by its task's stored submission context. */
  startStep(c: ClaimedStep, storedContext: string | null | undefined): Span {
    return taskerTracer().startSpan(
      SPANS.step,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...taskAttributes(c.task),
          [ATTR.stepName]: parseMapInstanceName(c.name)?.step ?? c.name,
          [ATTR.stepId]: c.step_id,
          [ATTR.attempt]: c.attempt,
          [ATTR.workerId]: this.workerId,
        },
      },
      this.parentOf(c.task.task_id, storedContext),
    );
  }

  /** `fn()` inside the context of `span` (a step span: what a handler runs in). */
  runIn<R>(span: Span, fn: () => R): R {
    return context.with(trace.setSpan(ROOT_CONTEXT, span), fn);
  }

  /** End a step span with how its attempt ended (after the outcome was committed, or dropped). */
  endStep(span: Span, exec: Execution | null, stale = false): void {
    let outcome: StepSpanOutcome;
    let error: StepError | null = null;
    if (stale) outcome = 'stale';
    else if (!exec) outcome = 'released';
    else if (exec.kind === 'dropped') outcome = exec.cause === 'cancelled' ? 'cancelled' : 'lease_lost';
    else {
      const o = exec.outcome;
      error = exec.error;
      if (o.type === 'completed') outcome = 'completed';
      else if (o.type === 'released' || o.type === 'rate_limited' || o.type === 'skipped') outcome = o.type;
      else if (o.type === 'park' || o.type === 'expand') outcome = 'parked';
      else if (error?.class === 'StepTimeoutError') outcome = 'timed_out';
      else outcome = o.type === 'retry' ? 'retrying' : 'failed';
    }
    span.setAttribute(ATTR.stepOutcome, outcome);
    if (error) recordFailure(span, error);
    span.end();
  }

  /**
   * A zero-length step span for a step that ran nowhere (skipped by routing, or by an operator); `parent` defaults to
   * the task's context when a step of it ran here (`parentFor` reads it otherwise).
   */
  markStep(
    task: TaskIdentity,
    step: { step_id: number; name: string },
    outcome: StepSpanOutcome,
    reason: string,
    parent: Context = this.parents.get(task.task_id) ?? ROOT_CONTEXT,
  ): Span {
    const span = taskerTracer().startSpan(
      SPANS.step,
      {
        attributes: {
          ...taskAttributes(task),
          [ATTR.stepName]: step.name,
          [ATTR.stepId]: step.step_id,
          [ATTR.attempt]: 0,
          [ATTR.workerId]: this.workerId,
          [ATTR.stepOutcome]: outcome,
          [ATTR.reason]: reason,
        },
      },
      parent,
    );
    span.end();
    return span;
  }

  /** A step an operator skipped or resolved appears in the task's trace as a zero-length step span. */
  async operatorStep(taskId: number, stepId: number, skipped: boolean): Promise<void> {
    const record = await this.store.getTask(taskId).catch(() => null);
    const step = record?.workflow_steps.find((s) => s.workflow_step_id === stepId);
    if (!record || !step) return;
    const parent = await this.parentFor(taskId);
    this.markStep(
      record,
      { step_id: stepId, name: step.name },
      skipped ? 'skipped' : 'resolved_manually',
      'operator',
      parent,
    );
  }

  // --- tasks -----------------------------------------------------------------------------------------------------

  /**
   * `tasker.task`, made when the task ended: from its creation to its end, with its final state, a sibling of its
   * steps under the submission context. Returned ended (its ids go into the end event).
   */
  taskEnded(
    task: TaskIdentity & { created_at: number; step_count: number },
    state: FinalizedTask['state'] | 'cancelled',
    endedAt: number,
    parent: Context,
  ): Span {
    const span = taskerTracer().startSpan(
      SPANS.task,
      {
        startTime: task.created_at,
        attributes: {
          ...taskAttributes(task),
          [ATTR.taskState]: state,
          [ATTR.taskDurationMs]: endedAt - task.created_at,
          [ATTR.stepCount]: task.step_count,
          [ATTR.workerId]: this.workerId,
        },
      },
      parent,
    );
    if (state === 'failed') recordFailure(span, { class: 'TaskFailed', message: 'a step failed for good' });
    span.end(endedAt);
    return span;
  }

  /** `tasker.task` of a task cancelled now. */
  async cancelled(task: TaskIdentity & { created_at: number; step_count: number }, now: number): Promise<Span> {
    return this.taskEnded(task, 'cancelled', now, await this.parentFor(task.task_id));
  }

  forget(taskId: number): void {
    this.parents.delete(taskId);
  }

  private parentOf(taskId: number, stored: string | null | undefined): Context {
    let parent = this.parents.get(taskId);
    if (parent === undefined) {
      parent = contextFromStored(stored);
      if (this.parents.size >= PARENT_CACHE_LIMIT) {
        const oldest = this.parents.keys().next().value;
        if (oldest !== undefined) this.parents.delete(oldest);
      }
      this.parents.set(taskId, parent);
    }
    return parent ?? ROOT_CONTEXT;
  }

  /** A task's parent context (its submission's), read from the store when no step of it ran here. */
  async parentFor(taskId: number): Promise<Context> {
    if (this.parents.has(taskId)) return this.parents.get(taskId) ?? ROOT_CONTEXT;
    // A store that cannot answer now leaves the span without its parent rather than without the span.
    const stored = await this.store.getTaskContexts([taskId]).then(
      (m) => m.get(taskId)?.trace_context,
      () => null,
    );
    return this.parentOf(taskId, stored);
  }
}
