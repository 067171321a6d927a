// The store's records: what it keeps and hands back about tasks, steps, their history and workers (task and step
// rows, a task's identity and immutable request fields, history rows, worker rows). The Store interface and its rules
// are in store-contract.ts, which re-exports these.
import type { StepState, StepWait, TaskState, TaskWait } from './states.js';

export type StepId = number;
export type TaskId = number;

/** An error as persisted for one attempt. */
export interface StepError {
  message: string;
  /** The error's class name, e.g. `RetryableError`, `TypeError`, `TimeoutError`. */
  class: string;
  code?: string | null;
  /** A few lines of the stack, never the whole thing. */
  stack?: string | null;
}

/** The identity of a task that events and handler lookups need; carried with every claimed step. */
export interface TaskIdentity {
  task_id: TaskId;
  namespace: string;
  name: string;
  version: string;
  correlation_id: string;
  /**
   * The task's run: 1 from creation, one more each time it is rerun from a step (`rerunFrom`). Whatever a process
   * caches of a task (context, upstream results) is only valid for one run.
   */
  run: number;
}

export interface StepRecord {
  workflow_step_id: StepId;
  task_id: TaskId;
  name: string;
  handler_class: string;
  current_state: StepState;
  depends_on: string[];
  attempts: number;
  retry_limit: number;
  retryable: boolean;
  timeout_ms: number | null;
  skippable: boolean;
  results: unknown;
  error: StepError | null;
  next_attempt_at: number | null;
  locked_by: string | null;
  lease_expires_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  duration_ms: number | null;
  /**
   * Why a step that could otherwise run waits: `worker` when it could run now but no live worker can run its task's
   * template (none registered it with all its handlers); `delay` / `paused` when its task is held back (its start is
   * delayed, or the task, its template or its namespace is paused). Null otherwise.
   */
  waiting_for: StepWait | null;
  /** A map instance (`name[3]`): its mapped step's id; null or absent for any other step. */
  map_of?: StepId | null;
  /** A map instance: its item's index in the list. */
  map_index?: number | null;
  /** A mapped step: how many instances it was expanded into in this run (null until expanded). */
  map_size?: number | null;
}

export interface AnnotationRecord {
  annotation_type: string;
  content: unknown;
  created_at: number;
}

export interface TaskSummary extends TaskIdentity {
  current_state: TaskState;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  idempotency_key: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  step_count: number;
  /** Claim priority of its steps: higher first, then by the time they became ready (-1000..1000, default 0). */
  priority: number;
  /** When the task was asked to start (a delayed start), or null. */
  run_at: number | null;
  /** Why the unfinished task does not progress (flow control), or null; see core/states.ts TASK_WAITS. */
  waiting_for: TaskWait | null;
  /** The task itself, or its template or namespace, is paused: no new step of it starts until resumed. */
  paused: boolean;
}

export interface TaskRecord extends TaskSummary {
  /** The tick a schedule created the task for (or when it was triggered), epoch ms; null for other tasks. */
  scheduled_for: number | null;
  /** A sub-workflow's parent task and the parent's step that waits for it; null for a top-level task. */
  parent_task_id: TaskId | null;
  parent_step_id: StepId | null;
  /** False while the task waits for a worker with its handlers to run its planning hook (see NewTask.needs_plan). */
  planned: boolean;
  context: unknown;
  annotations: AnnotationRecord[];
  workflow_steps: StepRecord[];
}

/** The immutable request fields of a task that handlers see. */
export interface TaskContextRecord {
  context: unknown;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  /** The submission's trace context as stored (NewTask.trace_context); null when it had none. */
  trace_context?: string | null;
  /** The tick a schedule created the task for, epoch ms (TaskRecord.scheduled_for); null or absent otherwise. */
  scheduled_for?: number | null;
}

/** One row of a task's or step's history. */
export interface TransitionRecord {
  task_id: TaskId;
  step_id: StepId | null;
  step_name: string | null;
  from_state: string | null;
  to_state: string;
  at: number;
  reason: string | null;
  attempt: number | null;
  actor: string | null;
  error: StepError | null;
  /**
   * The run of the task this row belongs to. Stored only on the rows a rerun writes (NULL elsewhere, so the hot path
   * writes nothing more); a row's run is the latest run stored at or before it, else 1.
   */
  run: number;
  /** On a step row written by a rerun: the results the step had before it was reset (null otherwise). */
  results: unknown;
}

/** A history row with its id (monotonic per store) and the run it belongs to (1 for a task never rerun). */
export interface HistoryRow extends TransitionRecord {
  history_id: number;
  run: number;
}

/** A history row as the live feed carries it: with the identity of its task. */
export interface HistoryFeedRow extends HistoryRow {
  namespace: string;
  name: string;
}

export interface WorkerInfo {
  worker_id: string;
  hostname: string;
  pid: number;
  namespaces: string[] | null;
  /** Template keys (`namespace/name@version`) it can run; null for a worker that did not say (older releases). */
  capabilities: string[] | null;
  /** Its lease: a worker not seen for this long is not counted as live. Null: the default 30 s. */
  lease_ms: number | null;
  started_at: number;
  last_seen_at: number;
}

/** What a worker says about itself when it starts (capabilities and lease default to null). */
export type WorkerRegistration = Omit<WorkerInfo, 'started_at' | 'last_seen_at' | 'capabilities' | 'lease_ms'> &
  Partial<Pick<WorkerInfo, 'capabilities' | 'lease_ms'>>;
