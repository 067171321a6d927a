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
import type { StepState, TaskState } from './states.js';

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

/** A step to insert with its task. */
export interface NewStep {
  name: string;
  /** Fully resolved handler class name. */
  handler_class: string;
  /** Names of parent steps within the same task. */
  depends_on: string[];
  retry_limit: number;
  retryable: boolean;
  timeout_ms: number | null;
  skippable: boolean;
  /** `skipped` when disabled by the task handler hook or bypassed by the request. */
  initial_state: 'pending' | 'skipped';
  skip_reason?: string | null;
}

export interface NewTask {
  namespace: string;
  name: string;
  version: string;
  context: unknown;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  /** Global uniqueness: a second create with the same key returns the first task and creates nothing. */
  idempotency_key: string | null;
  correlation_id: string;
  steps: NewStep[];
  /**
   * True when the task handler's `establishStepDependenciesAndDefaults` hook could not run at submission (the
   * submitter lacks the template's handlers): the first worker that claims one of its steps runs the hook and applies
   * the result with `applyPlan` before any step runs. Default false.
   */
  needs_plan?: boolean;
  /**
   * The caller has already refused a context or tags that JSON would change (Tasker.submit does, naming each field),
   * so the store only serialises them instead of walking them a second time. Default false: the store checks.
   */
  checked?: boolean;
  /**
   * The W3C trace context of the submission (`{"traceparent":…,"tracestate":…}` as JSON text, see
   * telemetry/trace-context.ts), kept with the task so its steps join the submitter's trace; null or absent: none.
   */
  trace_context?: string | null;
}

export interface CreateTaskResult {
  task_id: TaskId;
  /** False when the idempotency key already existed; nothing was written then. */
  created: boolean;
  /** Set when every step was skipped at creation, so the task completed in the same transaction. */
  finalized: FinalizedTask | null;
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

/** A step handed to a worker by `claimSteps`. The worker holds it until its lease expires. */
export interface ClaimedStep {
  step_id: StepId;
  task: TaskIdentity;
  name: string;
  handler_class: string;
  /** This attempt's number, 1-based; already counted in the store. */
  attempt: number;
  retry_limit: number;
  retryable: boolean;
  timeout_ms: number | null;
  /** When this attempt started (store clock). */
  started_at: number;
  /**
   * When the step became claimable (store clock, epoch ms): its readiness or its retry's due time; `started_at`
   * minus this is its queue lag. Absent where the store's claim does not report it (PostgreSQL's completion
   * function claims without it).
   */
  ready_at?: number;
  /** True for exactly one claim per task: the one that started it (emit `task.started`). */
  task_started: boolean;
  /** The task still waits for its planning hook: plan it (`applyPlan`) and run nothing of it before. */
  needs_plan: boolean;
}

export interface ClaimRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  /** Only claim steps of tasks in these namespaces; null/undefined means any. */
  namespaces?: string[] | null;
  /**
   * Only claim steps of tasks created from these templates (`namespace/name@version` keys: what this worker can run);
   * null/undefined means any.
   */
  templates?: string[] | null;
}

/** The outcome of one attempt of one claimed step. */
export type StepOutcome =
  | {
      type: 'completed';
      step_id: StepId;
      task_id: TaskId;
      attempt: number;
      results: unknown;
      /** Names of steps in the same task to mark skipped (runtime routing); only pending ones change. */
      prune?: string[];
    }
  | { type: 'retry'; step_id: StepId; task_id: TaskId; attempt: number; error: StepError; delayMs: number }
  | { type: 'failed'; step_id: StepId; task_id: TaskId; attempt: number; error: StepError }
  /** Put back without running (draining worker): running -> pending/retrying, the attempt is not counted. */
  | { type: 'released'; step_id: StepId; task_id: TaskId; attempt: number };

/** A task that reached a terminal state in some transaction. Reported exactly once, by that transaction. */
export interface FinalizedTask extends TaskIdentity {
  state: Extract<TaskState, 'completed' | 'failed'>;
  created_at: number;
  started_at: number | null;
  completed_at: number;
  step_count: number;
}

/** A step skipped by pruning inside a completion (for `step.skipped` events). */
export interface SkippedStep {
  step_id: StepId;
  task_id: TaskId;
  name: string;
}

export interface CompletionResult {
  /** Step ids whose outcome was applied. */
  applied: StepId[];
  /** Step ids ignored because the caller no longer held them (lease lost, task cancelled, reclaimed). */
  stale: StepId[];
  skipped: SkippedStep[];
  finalized: FinalizedTask[];
  /** Steps that became claimable in this transaction (a wake-up hint). */
  readyCount: number;
  /** Claimed in the same transaction when `claim` was asked for (in-process fast path). */
  claimed: ClaimedStep[];
}

export interface CompleteOptions {
  workerId: string;
  /**
   * Every completed outcome's results were already checked by the caller for values JSON would change (the engine
   * does, per step, to fail such an attempt as retryable), so the store only serialises them. Default false.
   */
  resultsChecked?: boolean;
  /** Also claim up to `limit` ready steps in the same transaction. */
  claim?: Omit<ClaimRequest, 'workerId'>;
}

/** A step whose running attempt was taken back from a worker that went away. */
export interface ReclaimedStep {
  step_id: StepId;
  task_id: TaskId;
  name: string;
  attempt: number;
  /**
   * `retrying` / `failed`: the holder is gone, the attempt counts. `pending` / `retrying` with `counted: false`: the
   * lease lapsed while its holder was still alive (a store outage kept it from renewing), so the attempt is handed
   * back without being spent.
   */
  to: Extract<StepState, 'pending' | 'retrying' | 'failed'>;
  /** Whether the lost attempt counts against the step's retry limit. */
  counted: boolean;
  locked_by: string | null;
}

export interface ReclaimResult {
  reclaimed: ReclaimedStep[];
  finalized: FinalizedTask[];
}

export type ReclaimRequest =
  /**
   * Running steps whose lease has expired, except those of `exceptWorker` (the caller itself: it still holds them).
   * A step whose holder is provably alive (same host and process on SQLite; its presence lock on PostgreSQL) is
   * handed back without spending the attempt.
   */
  | { kind: 'expired'; limit?: number; exceptWorker?: string }
  /** Running steps held by these workers, whatever their lease (the caller knows the workers are dead). */
  | { kind: 'workers'; workerIds: string[] };

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

/** One page of a task's history: rows with an id above `after` (0 = from the start), oldest first. */
export interface HistoryPageRequest {
  after?: number | null;
  /** 1..5000. */
  limit: number;
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
   * `worker` when the step could run now but no live worker can run its task's template (none registered it with all
   * its handlers); it waits until one comes. Null otherwise.
   */
  waiting_for: 'worker' | null;
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
}

export interface TaskRecord extends TaskSummary {
  /** False while the task waits for a worker with its handlers to run its planning hook (see NewTask.needs_plan). */
  planned: boolean;
  context: unknown;
  annotations: AnnotationRecord[];
  workflow_steps: StepRecord[];
}

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

/** The immutable request fields of a task that handlers see. */
export interface TaskContextRecord {
  context: unknown;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  /** The submission's trace context as stored (NewTask.trace_context); null when it had none. */
  trace_context?: string | null;
}

/** The planning hook's result for a task created with `needs_plan`, applied by the worker that ran the hook. */
export interface PlanRequest {
  task_id: TaskId;
  workerId: string;
  /** Every step of the template with what the hook decided; steps no longer pending keep their state. */
  steps: Array<{
    name: string;
    skip: boolean;
    skip_reason: string | null;
    retry_limit: number;
    retryable: boolean;
    timeout_ms: number | null;
  }>;
  /** Steps of this task the caller claimed and holds: handed back (attempt not counted) in the same transaction. */
  release: Array<{ step_id: StepId; attempt: number }>;
  annotations: Array<{ annotation_type: string; content: unknown }>;
}

export interface PlanResult {
  /** False when another worker planned the task first (only the release was applied). */
  planned: boolean;
  released: StepId[];
  skipped: SkippedStep[];
  finalized: FinalizedTask | null;
  readyCount: number;
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

/** Request for results of particular steps, e.g. a claimed step's ancestors. */
export interface StepSnapshotRequest {
  task_id: TaskId;
  names: string[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** The URL it was opened with, without credentials. */
  readonly url: string;

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

  // --- recovery and workers ---------------------------------------------------------------------------------------
  reclaimSteps(req: ReclaimRequest): Promise<ReclaimResult>;
  registerWorker(info: WorkerRegistration): Promise<void>;
  /** Heartbeat of a worker; `capabilities` replaces what it can run when given. */
  touchWorker(workerId: string, capabilities?: string[] | null): Promise<void>;
  removeWorker(workerId: string): Promise<void>;
  listWorkers(): Promise<WorkerInfo[]>;
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

  // --- reads -----------------------------------------------------------------------------------------------------
  getTask(taskId: TaskId): Promise<TaskRecord | null>;
  findTaskByIdempotencyKey(key: string): Promise<TaskId | null>;
  listTasks(filter: TaskListFilter): Promise<TaskPage>;
  getHistory(taskId: TaskId, stepId?: StepId): Promise<TransitionRecord[]>;
  /** One page of a task's history (task and step rows), by history id. */
  getHistoryPage(taskId: TaskId, page: HistoryPageRequest): Promise<HistoryRow[]>;
  /** Up to `limit` (1..5000) history rows of every task with an id above `after`, oldest first. */
  historySince(after: number, limit: number): Promise<HistoryFeedRow[]>;
  /** The history rows with these ids (at most 5000) that exist now (rows of transactions that committed late), by id. */
  historyRows(ids: number[]): Promise<HistoryFeedRow[]>;
  /** The highest history id (0 when there is none). */
  lastHistoryId(): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Completions, failures and retries of the last hour and day, the ready queue and the most failing templates. */
  activity(): Promise<StoreActivity>;
}
