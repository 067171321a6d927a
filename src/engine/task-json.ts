// The task's JSON shape, shared by `tasker run --json`, `tasker tasks show --json` and the REST API.
import type { AnnotationRecord, ChildTask, StepRecord, TaskRecord, TaskSummary } from '../core/store-contract.js';
import type { StepState, StepWait, TaskState, TaskWait } from '../core/states.js';

export interface StepJson {
  workflow_step_id: number;
  name: string;
  current_state: StepState;
  depends_on: string[];
  attempts: number;
  retry_limit: number;
  retryable: boolean;
  /** Whatever the handler returned (JSON); typed loosely like `task.context`, since its shape is the handler's. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  results: any;
  error: { message: string; class: string; code: string | null } | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  /**
   * Why a step that could otherwise run waits: `worker` when no live worker can run its template (a rolling deploy);
   * `delay` / `paused` while its task is held back (flow control); else null.
   */
  waiting_for: StepWait | null;
  /** A mapped step once expanded: its instances, grouped under it (they are not listed among the task's steps). */
  map?: MapJson;
  /** A map instance (`name[3]`, under its step's `map.instances`): its item's index. */
  map_index?: number;
}

/** A mapped step's instances (one per item of its list), under the step in the task JSON. */
export interface MapJson {
  /** How many instances (items) the step was expanded into. */
  size: number;
  /** How many of its instances are in each state (states with none left out). */
  counts: Partial<Record<StepState, number>>;
  /** The instances in item order. */
  instances: StepJson[];
}

export interface TaskSummaryJson {
  task_id: number;
  namespace: string;
  name: string;
  version: string;
  current_state: TaskState;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  idempotency_key: string | null;
  correlation_id: string;
  /** The task's run: 1 for a task never rerun, one more per rerun from a step. */
  run: number;
  created_at: string;
  completed_at: string | null;
  /** Claim priority of its steps (-1000..1000, higher first). */
  priority: number;
  /** When the task was asked to start (a delayed start), or null. */
  run_at: string | null;
  /** Why the unfinished task does not progress: `delay`, `paused` (flow control), or null. */
  waiting_for: TaskWait | null;
  /** The task, its template or its namespace is paused: no new step of it starts. */
  paused: boolean;
}

export interface TaskJson extends TaskSummaryJson {
  /** The tick a cron schedule created the task for (or when it was triggered by hand); null for other tasks. */
  scheduled_for: string | null;
  /** False until a worker with the template's handlers has run its planning hook (submitted without handlers). */
  planned: boolean;
  /** A sub-workflow's parent task and the parent's step that waits for it; null for a top-level task. */
  parent_task_id: number | null;
  parent_step_id: number | null;
  /** The sub-workflows this task started, oldest first. */
  subtasks: Array<{
    task_id: number;
    parent_step_id: number;
    namespace: string;
    name: string;
    version: string;
    current_state: TaskState;
  }>;
  context: unknown;
  annotations: Array<{ annotation_type: string; content: unknown; created_at: string }>;
  workflow_steps: StepJson[];
}

export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

export function taskSummaryJson(t: TaskSummary): TaskSummaryJson {
  return {
    task_id: t.task_id,
    namespace: t.namespace,
    name: t.name,
    version: t.version,
    current_state: t.current_state,
    initiator: t.initiator,
    source_system: t.source_system,
    reason: t.reason,
    tags: t.tags,
    idempotency_key: t.idempotency_key,
    correlation_id: t.correlation_id,
    run: t.run,
    created_at: iso(t.created_at)!,
    completed_at: iso(t.completed_at),
    priority: t.priority,
    run_at: iso(t.run_at),
    waiting_for: t.waiting_for,
    paused: t.paused,
  };
}

export function stepJson(s: StepRecord): StepJson {
  return {
    workflow_step_id: s.workflow_step_id,
    name: s.name,
    current_state: s.current_state,
    depends_on: s.depends_on,
    attempts: s.attempts,
    retry_limit: s.retry_limit,
    retryable: s.retryable,
    results: s.results,
    error: s.error ? { message: s.error.message, class: s.error.class, code: s.error.code ?? null } : null,
    started_at: iso(s.started_at),
    completed_at: iso(s.completed_at),
    duration_ms: s.duration_ms,
    waiting_for: s.waiting_for,
  };
}

/**
 * The task's steps as JSON with each map's instances under their mapped step (`map`), in item order; the instances
 * are not listed among the task's steps.
 */
export function groupedStepsJson(steps: readonly StepRecord[]): StepJson[] {
  if (!steps.some((s) => s.map_of != null)) return steps.map(stepJson);
  const maps = new Map<number, MapJson>();
  const top: StepJson[] = [];
  for (const s of steps) {
    if (s.map_of != null) continue;
    const json = stepJson(s);
    if (s.map_size != null) maps.set(s.workflow_step_id, (json.map = { size: s.map_size, counts: {}, instances: [] }));
    top.push(json);
  }
  const instances = steps.filter((s) => s.map_of != null).sort((a, b) => (a.map_index ?? 0) - (b.map_index ?? 0));
  for (const s of instances) {
    const map = maps.get(s.map_of!);
    if (!map) continue; // its step was reset by a rerun in this same read: not shown
    const json = stepJson(s);
    json.map_index = s.map_index ?? 0;
    map.instances.push(json);
    map.counts[s.current_state] = (map.counts[s.current_state] ?? 0) + 1;
  }
  return top;
}

function annotationJson(a: AnnotationRecord) {
  return { annotation_type: a.annotation_type, content: a.content, created_at: iso(a.created_at)! };
}

export function taskJson(t: TaskRecord, children: readonly ChildTask[] = []): TaskJson {
  return {
    ...taskSummaryJson(t),
    scheduled_for: iso(t.scheduled_for),
    planned: t.planned,
    parent_task_id: t.parent_task_id ?? null,
    parent_step_id: t.parent_step_id ?? null,
    subtasks: children.map((c) => ({
      task_id: c.task_id,
      parent_step_id: c.parent_step_id,
      namespace: c.namespace,
      name: c.name,
      version: c.version,
      current_state: c.state,
    })),
    context: t.context,
    annotations: t.annotations.map(annotationJson),
    workflow_steps: groupedStepsJson(t.workflow_steps),
  };
}
