// Builds the objects handlers receive — TaskView, SequenceView, StepView — from store records, so that user code
// never touches the store directly.
import type { StepRecord, TaskIdentity } from '../store/store.js';
import type { AnnotationInput, FinishedStep, SequenceView, StepSnapshot, TaskView } from './handler-api.js';

export interface TaskFields extends TaskIdentity {
  context: unknown;
  initiator?: string | null;
  source_system?: string | null;
  reason?: string | null;
  tags?: readonly string[];
}

export type AnnotationSink = (taskId: number, annotation: AnnotationInput) => Promise<void>;

export function makeTaskView(task: TaskFields, annotate: AnnotationSink): TaskView {
  return {
    task_id: task.task_id,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    context: task.context,
    initiator: task.initiator ?? null,
    source_system: task.source_system ?? null,
    reason: task.reason ?? null,
    tags: task.tags ?? [],
    correlation_id: task.correlation_id,
    annotations: {
      create: (annotation: AnnotationInput) => {
        if (!annotation || typeof annotation.annotation_type !== 'string' || annotation.annotation_type === '') {
          return Promise.reject(new TypeError('annotations.create needs { annotation_type: string, content }'));
        }
        return annotate(task.task_id, annotation);
      },
    },
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

export function makeSequenceView(steps: readonly StepSnapshot[]): SequenceView {
  let byName: Map<string, StepSnapshot> | null = null;
  return {
    steps,
    findStepByName(name: string) {
      if (!byName) byName = new Map(steps.map((s) => [s.name, s]));
      return byName.get(name);
    },
  };
}

export const EMPTY_SEQUENCE: SequenceView = makeSequenceView([]);
