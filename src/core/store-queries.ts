// The store's read requests and summaries: task list filters, sort keys and pages, history pages, counts by state
// and recent activity. The Store interface and its rules are in store-contract.ts, which re-exports these.
import type { StepState, TaskState } from './states.js';
import type { TaskSummary, WorkerInfo } from './store-records.js';

export type TaskSortKey = 'created_at' | 'task_id' | 'completed_at';
export const TASK_SORT_KEYS: readonly TaskSortKey[] = ['created_at', 'task_id', 'completed_at'];

export interface TaskListFilter {
  namespace?: string;
  name?: string;
  version?: string;
  state?: TaskState | TaskState[];
  created_after?: number;
  created_before?: number;
  /** Tasks carrying every one of these tags. */
  tags?: string[];
  /**
   * Exact or prefix match on the correlation id or the idempotency key, or the exact task id when all digits
   * (1..255 characters).
   */
  q?: string;
  /** 1..1000; default 50. */
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string | null;
  sort?: TaskSortKey;
  order?: 'asc' | 'desc';
}

export interface TaskPage {
  tasks: TaskSummary[];
  next_cursor: string | null;
}

/** One page of a task's history: rows with an id above `after` (0 = from the start), oldest first. */
export interface HistoryPageRequest {
  after?: number | null;
  /** 1..5000. */
  limit: number;
}

export interface StoreStats {
  tasks_by_state: Partial<Record<TaskState, number>>;
  steps_by_state: Partial<Record<StepState, number>>;
  /**
   * The counts by state are estimates (PostgreSQL, tables of more than 200 000 rows: the planner's statistics, as
   * fresh as the last ANALYZE); otherwise they are exact.
   */
  counts_estimated: boolean;
  /** Steps claimable now. */
  ready_depth: number;
  /** How long the oldest claimable step has been claimable, in ms (0 when none is). */
  oldest_ready_age_ms: number;
  /** Steps claimable now that no live worker can run (see StepRecord.waiting_for). */
  waiting_for_worker: number;
  workers: WorkerInfo[];
}

/** What happened recently, from the store's clock (cluster-wide on PostgreSQL). */
export interface ActivityWindow {
  /** Tasks that reached `completed` in the window (a task retried and completed again counts again). */
  completed: number;
  /** Tasks that reached `failed` in the window. */
  failed: number;
  /** Step attempts that failed and were scheduled for a retry in the window. */
  retried: number;
}

export interface StoreActivity {
  /** The store clock when read (epoch ms): workers' liveness and ages are relative to it. */
  now: number;
  last_hour: ActivityWindow;
  last_day: ActivityWindow;
  /** Steps claimable now, and when the oldest of them became claimable (null when none). */
  ready_steps: number;
  oldest_ready_at: number | null;
  /** Templates with the most tasks failed in the last day, most first (at most 10). */
  failing_templates: Array<{ namespace: string; name: string; version: string; failed: number }>;
}
