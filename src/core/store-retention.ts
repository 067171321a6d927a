// Retention: the store's request and result for pruning finished tasks (`Store.pruneTasks`) and the finished states
// each retention class covers. The Store interface and its rules are in store-contract.ts, which re-exports these.
import type { TaskState } from './states.js';

/**
 * The finished states each cutoff covers. `completed` also covers `resolved_manually` (an operator declared the task
 * done: the CLI exits 0 for both). A finished state whose class has no cutoff is never pruned; `pending` and `running`
 * tasks never are.
 */
export const RETENTION_CLASSES = {
  completed: ['completed', 'resolved_manually'],
  failed: ['failed'],
  cancelled: ['cancelled'],
} as const satisfies Record<string, readonly TaskState[]>;

export type RetentionClass = keyof typeof RETENTION_CLASSES;
export const RETENTION_CLASS_NAMES = Object.keys(RETENTION_CLASSES) as RetentionClass[];

/** The largest `batch_size`: a transaction deleting more would hold its locks (SQLite: the write lock) too long. */
export const MAX_PRUNE_BATCH = 10_000;

/**
 * When a task of a class is old enough: it finished (`completed_at`) more than `older_than_ms` before the store's
 * clock at the start of the call, or before the time `before` (epoch ms).
 */
export type PruneCutoff = { older_than_ms: number } | { before: number };

export interface PruneRequest {
  /** At least one class; a class left out is kept. */
  cutoffs: Partial<Record<RetentionClass, PruneCutoff>>;
  /** Tasks deleted per transaction, 1..10000. */
  batch_size: number;
  /** Stop after this many transactions that deleted tasks (default: none, until nothing is eligible). */
  max_batches?: number;
  /** Count what would be deleted (tasks by state and their steps) and delete nothing. */
  dry_run?: boolean;
  /**
   * Where a previous call that stopped at `max_batches` left off (its `resume`), with the same cutoffs: the call goes
   * on from there instead of walking again over what was just deleted (index entries of deleted rows stay until a
   * vacuum). Tasks skipped before that point (another transaction held them) wait for a call without it.
   */
  resume?: string | null;
}

export interface PruneResult {
  dry_run: boolean;
  /** The cutoff each class used, as epoch ms of the store's clock. */
  cutoffs: Partial<Record<RetentionClass, number>>;
  /** Tasks deleted (or, in a dry run, eligible now). */
  tasks: number;
  tasks_by_state: Partial<Record<TaskState, number>>;
  /** Their steps. */
  steps: number;
  /** Rows deleted from the other tables keyed to the tasks; null in a dry run (not counted). */
  step_edges: number | null;
  transitions: number | null;
  annotations: number | null;
  /** Transactions that deleted tasks (0 in a dry run). */
  batches: number;
  /** True when max_batches stopped the call while eligible tasks may remain (call again). */
  more: boolean;
  /** When `more`: where this call left off, for the next call's `resume`; null otherwise. */
  resume: string | null;
}
