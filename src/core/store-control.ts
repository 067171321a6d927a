// The store's operator requests and results: cancelling a task, retrying / resolving / skipping a step or retrying a
// task, and rerunning a finished task from a step. The Store interface and its rules are in store-contract.ts, which
// re-exports these.
import type { TaskState } from './states.js';
import type { StepId, TaskId } from './store-records.js';
import type { FinalizedTask } from './store-hot-path.js';

export interface CancelResult {
  /** False when the task was already terminal (nothing changed). */
  cancelled: boolean;
  state: TaskState;
  /** Steps that were running when cancelled; their workers must abort them. */
  running_step_ids: StepId[];
  cancelled_step_ids: StepId[];
}

export type OperatorAction =
  | { type: 'retry_step'; task_id: TaskId; step_id: StepId; actor: string; reason?: string | null }
  | { type: 'resolve_step'; task_id: TaskId; step_id: StepId; results: unknown; actor: string; reason?: string | null }
  | { type: 'skip_step'; task_id: TaskId; step_id: StepId; actor: string; reason?: string | null }
  | { type: 'retry_task'; task_id: TaskId; actor: string; reason?: string | null };

export interface OperatorResult {
  task_state: TaskState;
  changed_step_ids: StepId[];
  finalized: FinalizedTask | null;
}

/** Rerun a finished task from one of its steps (`Store.rerunFrom`). */
export interface RerunOptions {
  /** Also rerun every descendant of the step (default true); false reruns the step alone. */
  downstream?: boolean;
  /** Why, written to the history rows (required). */
  reason: string;
  actor: string;
  /**
   * A JSON merge patch (RFC 7386, core/json-merge-patch.ts) applied to the task context in the same transaction. The
   * caller validated the patched context against the template's schema for run `expectedRun`.
   */
  contextPatch?: Record<string, unknown> | null;
  /** Refuse (OperatorActionError) when the task is no longer at this run (it was rerun meanwhile). */
  expectedRun?: number;
}

export interface RerunResult {
  task_id: TaskId;
  /** The new run number (the previous one plus one). */
  run: number;
  task_state: TaskState;
  /** Steps returned to pending, in id order: the step, then (downstream) its descendants. */
  reset_step_ids: StepId[];
  /** Descendants left skipped: bypassed by the request, or routed away by a step that does not run again. */
  kept_skipped_step_ids: StepId[];
  /** True when the planning hook runs again before any step of the new run (`needs_plan`). */
  replan: boolean;
}
