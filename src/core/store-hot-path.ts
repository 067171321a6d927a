// The store's hot-path requests and results: creating tasks, claiming steps, completing attempts (and the tasks that
// finalises), applying a deferred plan, reading a claimed step's upstream results, and reclaiming lost leases. The
// Store interface and its rules are in store-contract.ts, which re-exports these.
import type { StepState, TaskState } from './states.js';
import type { StepError, StepId, TaskContextRecord, TaskId, TaskIdentity } from './store-records.js';
import type { WaitKind } from './store-dynamic.js';

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
  /** The step's slot group (a step concurrency limit): at most `limit` of its group ready or running at once. */
  concurrency?: StoreConcurrency | null;
  /**
   * The step's rate-limit bucket (flow control): `name`, or `name:` + the key values as JSON. Each attempt takes a
   * token of it when it is claimed (claims with `rateLimited`); absent or null: no rate limit.
   */
  rate_key?: string | null;
}

/**
 * A slot group of a concurrency limit (flow control): `key` names the group (`task:ns/name:["acme"]`,
 * `step:ns/name/step`), `limit` how many may hold a slot at once (the newest declaration wins).
 */
export interface StoreConcurrency {
  key: string;
  limit: number;
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
  /**
   * A sub-workflow: the parent task and the parent's step that waits for this task (its end makes that step
   * claimable, in the transaction that ends it). Absent or null: a top-level task.
   */
  parent?: { task_id: TaskId; step_id: StepId } | null;
  /** Claim priority of the task's steps, -1000..1000 (higher first); default 0. */
  priority?: number;
  /**
   * A delayed start: the task waits `pending` (waiting_for `delay`) and no step of it is claimable before this time
   * (epoch ms). A time not in the future starts it at once. At most one of run_at and delay_ms.
   */
  run_at?: number | null;
  /** A delayed start relative to the store's clock: the task starts this many milliseconds after its creation. */
  delay_ms?: number | null;
  /**
   * The task's slot group (a task concurrency limit): it takes a slot when its first steps would become claimable,
   * or waits `pending` (waiting_for `concurrency`) in order until one frees, and holds it until it finishes.
   */
  concurrency?: StoreConcurrency | null;
}

export interface CreateTaskResult {
  task_id: TaskId;
  /** False when the idempotency key already existed; nothing was written then. */
  created: boolean;
  /** Set when every step was skipped at creation, so the task completed in the same transaction. */
  finalized: FinalizedTask | null;
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
  /**
   * The task's context and request fields, where the claim read them anyway (PostgreSQL's claim statement, on the
   * step that started the task: the worker has never seen that task, and this saves it a read before the handler
   * runs). Absent: read them with `getTaskContexts` when needed.
   */
  context?: TaskContextRecord;
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
  /**
   * Also claim rate-limited steps (before the plain claim, which takes what is left): each takes a token of its bucket
   * or is put back to wait for one. Set when any template the worker can run has a step with a rate limit; false or
   * absent: the claim is exactly the plain one.
   */
  rateLimited?: boolean;
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
  | { type: 'released'; step_id: StepId; task_id: TaskId; attempt: number }
  /**
   * The handler reported a rate limit it hit (RateLimitedError): like `released` (the attempt is not counted), but
   * ready again only after `retryAfterMs`, waiting for `rate_limit`; the step's bucket, if any, is drained until then.
   */
  | { type: 'rate_limited'; step_id: StepId; task_id: TaskId; attempt: number; retryAfterMs: number }
  /**
   * A step with no handler parks (store-dynamic.ts): handed back uncounted like `released`, holding no lease, waiting
   * for `wait`, ready again at `untilMs` (epoch ms; null: only when something wakes it). A signal wait parks ready at
   * once when its signal arrived meanwhile; a sub-workflow wait (`watch`: the child task) when its child finished.
   */
  | {
      type: 'park';
      step_id: StepId;
      task_id: TaskId;
      attempt: number;
      wait: WaitKind;
      untilMs: number | null;
      signal?: string | null;
      watch?: TaskId | null;
    }
  /**
   * A mapped step fans out (store-dynamic.ts): `count` instances named `name[i]` are created, each a copy of the step
   * (handler, retries, timeout, priority, concurrency and rate limits) with an edge to it, and the step is handed back
   * uncounted, pending on them (waiting_for `map`, its map size `count`). With `max_parallel`, instance i also waits
   * for instance i - max_parallel (lanes), so at most that many of them are ready or running at once.
   */
  | {
      type: 'expand';
      step_id: StepId;
      task_id: TaskId;
      attempt: number;
      count: number;
      max_parallel: number | null;
    }
  /** The held step is skipped (a mapped step whose list's source step was skipped): its dependents then run. */
  | { type: 'skipped'; step_id: StepId; task_id: TaskId; attempt: number; reason: string };

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

/** Request for results of particular steps, e.g. a claimed step's ancestors. */
export interface StepSnapshotRequest {
  task_id: TaskId;
  names: string[];
}
