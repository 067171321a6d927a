// Builds the objects handlers receive — TaskView, SequenceView, StepView — from store records, so that user code
// never touches the store directly.
import type { StepRecord, TaskIdentity } from '../core/store-contract.js';
import { didYouMean } from '../definition/did-you-mean.js';
import type { AnnotationInput, FinishedStep, SequenceView, StepSnapshot, TaskView } from '../core/handler-api.js';
import { PermanentError } from '../core/errors.js';

export interface TaskFields extends TaskIdentity {
  context: unknown;
  initiator?: string | null;
  source_system?: string | null;
  reason?: string | null;
  tags?: readonly string[];
  scheduled_for?: number | null;
}

export type AnnotationSink = (taskId: number, annotation: AnnotationInput) => Promise<void>;

/**
 * `task.annotations`. `create` is an own property (it works unbound, as handlers may destructure it), assigned rather
 * than written in the literal: under tsx's keepNames a closure in an object literal is wrapped in a
 * defineProperty(name) call, which showed up per step on the hot path.
 */
function taskAnnotations(taskId: number, sink: AnnotationSink): TaskView['annotations'] {
  const annotations = {} as { create(annotation: AnnotationInput): Promise<void> };
  annotations.create = (annotation: AnnotationInput) => {
    if (!annotation || typeof annotation.annotation_type !== 'string' || annotation.annotation_type === '') {
      return Promise.reject(new TypeError('annotations.create needs { annotation_type: string, content }'));
    }
    return sink(taskId, annotation);
  };
  return annotations;
}

/** The handler's view of a task: identity from `task`, request fields from `fields` when given, else from `task`. */
export function makeTaskView(
  task: TaskFields | TaskIdentity,
  annotate: AnnotationSink,
  fields: Omit<TaskFields, keyof TaskIdentity> = task as TaskFields,
): TaskView {
  return {
    task_id: task.task_id,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    context: fields.context,
    initiator: fields.initiator ?? null,
    source_system: fields.source_system ?? null,
    reason: fields.reason ?? null,
    tags: fields.tags ?? [],
    correlation_id: task.correlation_id,
    run: task.run,
    scheduled_for: fields.scheduled_for ?? null,
    annotations: taskAnnotations(task.task_id, annotate),
  };
}

export function toSnapshot(r: StepRecord): StepSnapshot {
  return {
    workflow_step_id: r.workflow_step_id,
    name: r.name,
    current_state: r.current_state,
    results: r.results,
    attempts: r.attempts,
    error: r.error,
    started_at: r.started_at,
    completed_at: r.completed_at,
    duration: r.duration_ms,
  };
}

export function toFinishedStep(r: StepRecord): FinishedStep {
  return { ...toSnapshot(r), depends_on: r.depends_on, retry_limit: r.retry_limit, retryable: r.retryable };
}

/** The step a sequence view is built for, so a lookup outside its ancestors can say why and what to change. */
export interface SequenceScope {
  /** The step being processed. */
  step: string;
  /** `namespace/name@version` of its template. */
  template: string;
  /** Every step of the template, by name. */
  allSteps: ReadonlyMap<string, unknown>;
}

/**
 * The sequence a handler sees: `steps` are the ancestors of `scope.step` (or, without a scope, the whole task).
 * Looking up any other name throws (PermanentError: retrying cannot change the template), never returns undefined.
 */
export function makeSequenceView(steps: readonly StepSnapshot[], scope?: SequenceScope): SequenceView {
  let byName: Map<string, StepSnapshot> | null = null;
  return {
    steps,
    findStepByName(name: string) {
      if (!byName) byName = new Map(steps.map((s) => [s.name, s]));
      const found = byName.get(name);
      if (found !== undefined) return found;
      throw notInSequence(name, steps, scope);
    },
  };
}

function notInSequence(name: string, steps: readonly StepSnapshot[], scope: SequenceScope | undefined): PermanentError {
  const call = `sequence.findStepByName('${name}')`;
  if (scope === undefined) {
    const names = steps.map((s) => s.name);
    return new PermanentError(
      `${call}: this task has no step '${name}' (steps: ${names.join(', ')})${didYouMean(name, names)}`,
      {
        errorCode: 'unknown_step',
      },
    );
  }
  const all = [...scope.allSteps.keys()];
  if (!all.includes(name)) {
    return new PermanentError(`${call}: ${scope.template} has no step '${name}'${didYouMean(name, all)}`, {
      errorCode: 'unknown_step',
    });
  }
  return new PermanentError(
    `${call}: '${name}' is not upstream of step '${scope.step}' in ${scope.template}, so its results are not loaded; ` +
      `add '${name}' to depends_on_step of '${scope.step}' to read them`,
    { errorCode: 'step_not_upstream' },
  );
}

export const EMPTY_SEQUENCE: SequenceView = makeSequenceView([]);
