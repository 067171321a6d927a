// The store's flow-control requests and results: pausing and resuming a task, a template or a whole namespace (kept
// in the store, so a pause holds for every process), the paused list, and releasing delayed tasks whose time has
// come. The Store interface and its rules are in store-contract.ts, which re-exports these.
import type { TaskState, TaskWait } from './states.js';
import type { TaskId } from './store-records.js';

/** The lowest and highest task priority (higher is claimed first). */
export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;

/** What a template pause names: a whole namespace (`name` absent or null) or one template (all its versions). */
export interface PauseTarget {
  namespace: string;
  name?: string | null;
}

/** A paused template or namespace, as kept in the store. */
export interface PausedTemplate {
  namespace: string;
  /** Null: the whole namespace is paused. */
  name: string | null;
  paused_at: number;
  actor: string | null;
  reason: string | null;
}

/** The result of pausing or resuming one task. */
export interface TaskPauseResult {
  task_id: TaskId;
  /** False when the task already was (or was not) paused by an operator: nothing changed. */
  changed: boolean;
  task_state: TaskState;
  /** Whether the task is still held (its own pause, or its template's or namespace's). */
  paused: boolean;
  waiting_for: TaskWait | null;
}

/** The result of pausing or resuming a template or namespace. */
export interface TemplatePauseResult {
  /** False when it already was (or was not) paused: nothing changed. */
  changed: boolean;
  /** Unfinished tasks held (pause) or released (resume) by this call. */
  tasks: number;
}

/** A slot group of a concurrency limit, as the store keeps it. */
export interface ConcurrencyGroup {
  /** `task:<namespace>/<name>:<key values as JSON>` or `step:<namespace>/<name>/<step>[:<key values>]`. */
  key: string;
  /** How many may hold a slot at once (the newest declaration). */
  limit: number;
  /** Slots held now (above `limit` while work admitted under a higher limit finishes). */
  running: number;
  /** Tasks and steps queued for a slot. */
  waiting: number;
}

/** The result of releasing delayed tasks whose `run_at` has come (`Store.releaseDueTasks`). */
export interface DueTasksResult {
  /** Tasks whose first steps became claimable. */
  released: number;
  /** When the next delayed task comes due (epoch ms), or null when none waits. */
  next_at: number | null;
}
