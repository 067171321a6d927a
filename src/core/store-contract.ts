// The store contract: where tasks and steps live, expressed in engine terms (create a task, claim ready steps,
// complete a batch of steps, reclaim lost leases, operator actions, reads). SQLite and PostgreSQL implement it;
// `test/store/conformance.ts` is the one suite that holds both to it. Nothing above this file speaks SQL.
//
// Semantics every implementation must keep (see docs/ARCHITECTURE.md, "Store semantics"):
// - Times are epoch milliseconds taken from the store's own clock (the database clock on PostgreSQL), so callers pass
//   durations (`leaseMs`, `delayMs`), never absolute times.
// - Readiness is incremental. Each step keeps `unmet` = number of parents not yet in a satisfying state
//   (completed / skipped / resolved_manually). When a step reaches a satisfying state, its children's `unmet` is
//   decremented; a pending child reaching 0 becomes claimable (ready_at = now). A retrying step is claimable once
//   its ready_at (= next_attempt_at) has passed. Nothing ever rescans a whole DAG.
// - Each task keeps `open_steps` = steps that are claimable, running or retrying. When it reaches 0 in a
//   transaction, that transaction finalises the task exactly once: `completed` if every step is completed /
//   skipped / resolved_manually, otherwise `failed` (a step failed, and whatever depends on it can never run).
//   Independent branches therefore finish before a task is marked failed.
// - Every state change of a task or step writes one history row (from, to, at, reason, attempt, actor) in the
//   same transaction. Illegal transitions (see core/states.ts) are never written.
// - A completion is applied only while the caller still holds the step (state running, locked_by = workerId,
//   same attempt). Anything else is reported as `stale` and changes nothing: no lost or duplicated work.
//
// - Flow control: a task held back (a delayed start, a pause) has no claimable step: its ready steps keep
//   ready_at NULL (out of the claim index), so a held backlog costs claims nothing. A paused task's completions
//   release children without making them claimable; resuming makes them claimable. The claim orders ready steps by
//   priority (higher first), then by ready time; a task's first claim moves it from pending to running.
//
// The records and the requests and results the methods exchange live in store-records.ts, store-hot-path.ts,
// store-control.ts, store-queries.ts, store-flow.ts, store-schedules.ts, store-retention.ts, store-rate-limits.ts,
// store-dynamic.ts, store-definitions.ts, store-workers.ts and store-history.ts; this file re-exports them all, so
// the contract is importable from here. The store's parts each have their contract in theirs: `store.schedules`
// (store-schedules.ts), `store.dynamic`, `store.rateLimits`, `store.definitions`, `store.workers`, `store.history`.
import type {
  ClaimedStep,
  ClaimRequest,
  CompleteOptions,
  CompletionResult,
  CreateTaskResult,
  NewTask,
  PlanRequest,
  PlanResult,
  ReclaimRequest,
  ReclaimResult,
  StepOutcome,
  StepSnapshotRequest,
} from './store-hot-path.js';
import type { CancelResult, OperatorAction, OperatorResult, RerunOptions, RerunResult } from './store-control.js';
import type {
  ConcurrencyGroup,
  DueTasksResult,
  PausedTemplate,
  PauseTarget,
  TaskPauseResult,
  TemplatePauseResult,
} from './store-flow.js';
import type { StoreActivity, StoreStats, TaskListFilter, TaskPage } from './store-queries.js';
import type { ScheduleStore } from './store-schedules.js';
import type { RateLimitStore } from './store-rate-limits.js';
import type { DefinitionStore } from './store-definitions.js';
import type { DynamicStore } from './store-dynamic.js';
import type { WorkerStore } from './store-workers.js';
import type { HistoryStore } from './store-history.js';
import type { PruneRequest, PruneResult } from './store-retention.js';
import type { StepId, StepRecord, TaskContextRecord, TaskId, TaskRecord, TransitionRecord } from './store-records.js';

export * from './store-records.js';
export * from './store-hot-path.js';
export * from './store-control.js';
export * from './store-queries.js';
export * from './store-flow.js';
export * from './store-schedules.js';
export * from './store-retention.js';
export * from './store-rate-limits.js';
export * from './store-definitions.js';
export * from './store-dynamic.js';
export * from './store-workers.js';
export * from './store-history.js';

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** The URL it was opened with, without credentials. */
  readonly url: string;
  /** Cron schedules: their rows, their ticks, and the tasks ticks create (store-schedules.ts). */
  readonly schedules: ScheduleStore;
  /** Dynamic workflows: durable waits and signals (store-dynamic.ts). */
  readonly dynamic: DynamicStore;
  /** Rate limits: named token buckets shared by every process (store-rate-limits.ts). */
  readonly rateLimits: RateLimitStore;
  /** Template versions: the definitions tasks were created from, by template version (store-definitions.ts). */
  readonly definitions: DefinitionStore;
  /** The worker registry: each running engine process's row and heartbeat (store-workers.ts). */
  readonly workers: WorkerStore;
  /** History by id: a task's history in pages, the live feed's reads of every task's rows (store-history.ts). */
  readonly history: HistoryStore;

  // --- lifecycle -------------------------------------------------------------------------------------------------
  /** Cheap liveness check of the underlying database. */
  ping(): Promise<void>;
  /**
   * Whether an error this store raised means "unavailable or busy for now; the same call later is expected to
   * succeed" (connection lost, server restarting, disk full, lock contention) rather than a bug or a refusal. Each
   * store knows its own driver's errors; callers keep their work and retry.
   */
  isTransient(err: unknown): boolean;
  /** Subscribe to "steps may be ready" wake-ups from other processes (LISTEN/NOTIFY on PostgreSQL). */
  onWake(listener: () => void): () => void;
  close(): Promise<void>;

  // --- hot path --------------------------------------------------------------------------------------------------
  createTask(task: NewTask): Promise<CreateTaskResult>;
  /**
   * Create several tasks in one transaction (all or none): each gets exactly what `createTask` would write, in
   * order, and the results follow the input order. A repeated idempotency key — against the store or earlier in
   * the batch — returns the existing task with `created: false`. An invalid task rejects the whole batch.
   */
  createTasks(tasks: NewTask[]): Promise<CreateTaskResult[]>;
  claimSteps(req: ClaimRequest): Promise<ClaimedStep[]>;
  completeSteps(outcomes: StepOutcome[], opts: CompleteOptions): Promise<CompletionResult>;
  /**
   * Apply the planning hook's result to a task created with `needs_plan` (once: the first caller wins) and hand back
   * the caller's claimed steps of it, in one transaction.
   */
  applyPlan(req: PlanRequest): Promise<PlanResult>;
  /** Extend leases of steps this worker holds; returns the ids it no longer holds (abort those). */
  extendLeases(workerId: string, stepIds: StepId[], leaseMs: number): Promise<{ lost: StepId[] }>;
  /** Contexts and request fields of the given tasks (immutable after creation, so callers may cache them). */
  getTaskContexts(taskIds: TaskId[]): Promise<Map<TaskId, TaskContextRecord>>;
  getStepSnapshots(requests: StepSnapshotRequest[]): Promise<StepRecord[]>;

  // --- recovery ---------------------------------------------------------------------------------------------------
  reclaimSteps(req: ReclaimRequest): Promise<ReclaimResult>;
  /** Tasks not yet terminal, oldest first (for `tasker resume`). */
  listUnfinishedTaskIds(limit?: number): Promise<TaskId[]>;
  /** The earliest future ready_at among retrying steps, if any (a timer hint). */
  nextRetryAt(): Promise<number | null>;

  // --- control ---------------------------------------------------------------------------------------------------
  cancelTask(taskId: TaskId, actor: string, reason?: string | null): Promise<CancelResult>;
  /** Throws OperatorActionError (core/errors.ts) with the reason when the action is illegal now. */
  operate(action: OperatorAction): Promise<OperatorResult>;
  addAnnotation(taskId: TaskId, annotationType: string, content: unknown): Promise<void>;
  /**
   * Rerun a completed or failed task from one step, in one transaction: the step (and, downstream, its descendants)
   * return to pending with their attempts reset (the previous attempts and results stay in the history), counters
   * are recomputed, the task returns to running with `run` + 1. OperatorActionError when the task is not completed or
   * failed, or an upstream step of the step is not satisfied; NotFoundError for an unknown task or step.
   */
  rerunFrom(taskId: TaskId, stepId: StepId, opts: RerunOptions): Promise<RerunResult>;
  /**
   * Delete finished tasks older than their class's cutoff (store-retention.ts) with their steps, edges, history and
   * annotations, in transactions of at most `batch_size` tasks, oldest first per state. Each transaction locks and
   * re-checks its tasks (state and completion time) before deleting them, so a task rerun or retried since it was
   * read is kept; on PostgreSQL tasks locked by another transaction are skipped (SKIP LOCKED), so concurrent prunes
   * share the work. A pruned task's idempotency key is free again. `dry_run` only counts.
   */
  pruneTasks(req: PruneRequest): Promise<PruneResult>;

  // --- flow control ----------------------------------------------------------------------------------------------
  /**
   * Pause a pending or running task (an operator's pause, recorded in its history with the actor): no new step of it
   * starts; running steps finish, and their completion makes nothing claimable. OperatorActionError when the task
   * is finished; `changed: false` when it was already paused by an operator.
   */
  pauseTask(taskId: TaskId, actor: string, reason?: string | null): Promise<TaskPauseResult>;
  /** Undo `pauseTask`; its steps become claimable unless its template or namespace is still paused. */
  resumeTask(taskId: TaskId, actor: string, reason?: string | null): Promise<TaskPauseResult>;
  /**
   * Pause a template (every version) or a whole namespace: kept in the store, so it holds for every process. New
   * tasks of it are created held (`pending`, waiting_for `paused`); unfinished ones start no new step.
   */
  pauseTemplates(target: PauseTarget, actor: string, reason?: string | null): Promise<TemplatePauseResult>;
  /** Undo `pauseTemplates` for exactly that target; tasks no other pause holds continue. */
  resumeTemplates(target: PauseTarget, actor: string, reason?: string | null): Promise<TemplatePauseResult>;
  /** Every paused template and namespace, by namespace then name. */
  listPaused(): Promise<PausedTemplate[]>;
  /** The pause that holds new tasks of `namespace/name` (the template's own, else its namespace's), or null. */
  pausedFor(namespace: string, name: string): Promise<PausedTemplate | null>;
  /**
   * Make the first steps of up to `limit` delayed tasks whose run_at has come claimable (default 1000); those with
   * concurrency limits take or queue for their slots.
   */
  releaseDueTasks(limit?: number): Promise<DueTasksResult>;
  /**
   * Every concurrency slot group (`NewTask.concurrency`, `NewStep.concurrency`) with its limit, the slots held and the
   * work queued. Slots are taken and given back only inside the transactions that change the work's states (row lock
   * on the group on PostgreSQL), so no more than `limit` are ever held, across every process.
   */
  concurrencyGroups(): Promise<ConcurrencyGroup[]>;

  // --- reads -----------------------------------------------------------------------------------------------------
  getTask(taskId: TaskId): Promise<TaskRecord | null>;
  findTaskByIdempotencyKey(key: string): Promise<TaskId | null>;
  listTasks(filter: TaskListFilter): Promise<TaskPage>;
  getHistory(taskId: TaskId, stepId?: StepId): Promise<TransitionRecord[]>;
  stats(): Promise<StoreStats>;
  /** Completions, failures and retries of the last hour and day, the ready queue and the most failing templates. */
  activity(): Promise<StoreActivity>;
}
