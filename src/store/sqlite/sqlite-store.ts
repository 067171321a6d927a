// The embedded SQLite implementation of the Store contract (better-sqlite3, WAL). better-sqlite3 is synchronous,
// so each async method runs its whole body — one IMMEDIATE transaction for writes — before it resolves.
import type { Database } from 'better-sqlite3';
import { NotFoundError } from '../../core/errors.js';
import type { Logger } from '../../telemetry/logger.js';
import type * as S from '../../core/store-contract.js';
import { encodeFaithfulJson } from '../shared/json.js';
import { SYSTEM_ACTOR } from '../shared/lifecycle-rules.js';
import { mapGroupRow } from '../shared/row-mappers.js';
import {
  assertClaimRequest,
  assertLeaseMs,
  assertOutcome,
  assertWorkerId,
  assertActor,
  assertAnnotationType,
  assertReason,
} from '../shared/request-checks.js';
import { planNewTask } from '../shared/task-plan.js';
import { assertRerunOptions } from '../shared/rerun-rules.js';
import { applyPlanInTx } from './apply-plan.js';
import { isTransientSqliteError } from './transient-errors.js';
import { claimInTx, forgetCanRun } from './claim.js';
import { completeInTx, encodeOutcome } from './complete.js';
import { batchPauseLookup, createTaskInTx, encodeTask } from './create-task.js';
import { operateInTx } from './operate.js';
import { SqliteReads } from './reads.js';
import { SqliteHistory } from './history.js';
import { cancelInTx, reclaimInTx } from './reclaim.js';
import { listPaused, pausedFor, releaseDueInTx, setTaskPauseInTx, setTemplatePauseInTx } from './flow.js';
import { rerunInTx } from './rerun.js';
import { SqliteSchedules } from './schedules.js';
import { pruneTasks } from './prune.js';
import { prepareStatements, type Statements } from './statements.js';
import { SqliteTx } from './tx.js';
import { SqliteRateLimits } from './rate-limits.js';
import { SqliteDynamic } from './dynamic.js';
import { missingLimitReporter } from '../shared/rate-buckets.js';
import { SqliteDefinitions } from './definitions.js';
import { SqliteWorkers } from './workers.js';
import { DataVersionWatcher, DEFAULT_WAKE_POLL_MS } from './wake.js';

export interface SqliteStoreOptions {
  logger?: Logger;
  /** The URL reported as `store.url`; defaults to `sqlite:<path>`. */
  url?: string;
  /** How often a store with wake-up listeners checks for commits by other processes. */
  wakePollMs?: number;
  /** How long a writer waits for another process's write lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * Bring the schema up to date on open (default true). False only checks that it is current and refuses it
   * otherwise (StoreSchemaError naming both versions), creating and changing nothing.
   */
  migrate?: boolean;
}

export class SqliteStore implements S.Store {
  readonly kind = 'sqlite' as const;
  readonly schedules: SqliteSchedules;
  readonly dynamic: SqliteDynamic;
  readonly rateLimits: SqliteRateLimits;
  readonly definitions: SqliteDefinitions;
  readonly workers: SqliteWorkers;
  readonly history: SqliteHistory;
  private readonly st: Statements;
  private readonly reads: SqliteReads;
  private readonly watcher: DataVersionWatcher;
  private readonly runInTransaction: {
    immediate: (fn: () => unknown) => unknown;
    deferred: (fn: () => unknown) => unknown;
  };
  private closed = false;
  /** Logs a rate limit a step uses that no row defines, once per name. */
  private readonly missingRateLimit: (name: string) => void;

  constructor(
    /** The underlying connection, for SQLite-specific tests and tools. */
    readonly db: Database,
    readonly url: string,
    opts: SqliteStoreOptions = {},
  ) {
    this.st = prepareStatements(db);
    const logger = opts.logger;
    this.missingRateLimit = missingLimitReporter((name) =>
      logger?.warn({ rate_limit: name }, `rate limit '${name}' is not defined; its steps wait (looked at every 5 s)`),
    );
    this.reads = new SqliteReads(db, this.st);
    this.history = new SqliteHistory(this.st);
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
    this.schedules = new SqliteSchedules(this.st, (actor, fn) => this.write(actor, fn));
    this.dynamic = new SqliteDynamic(this.st, (actor, fn) => this.write(actor, fn));
    this.rateLimits = new SqliteRateLimits(this.st, (actor, fn) => this.write(actor, fn));
    this.definitions = new SqliteDefinitions(this.st, (actor, fn) => this.write(actor, fn));
    this.workers = new SqliteWorkers(this.st);
    this.watcher = new DataVersionWatcher(
      () => (this.st.dataVersion.get() as { data_version: number }).data_version,
      opts.wakePollMs ?? DEFAULT_WAKE_POLL_MS,
      opts.logger,
    );
  }

  /** Run `fn` in one IMMEDIATE transaction (takes the write lock up front, so writers never deadlock). */
  private write<T>(actor: string | null, fn: (tx: SqliteTx) => T): T {
    try {
      return this.runInTransaction.immediate(() => {
        const tx = new SqliteTx(this.st, Date.now(), actor);
        tx.missingRateLimit = this.missingRateLimit;
        return fn(tx);
      }) as T;
    } catch (err) {
      forgetCanRun(this.st); // rolled back, with any capability rows the claim wrote
      throw err;
    }
  }

  /** Run several reads on one consistent snapshot (a deferred, read-only transaction). */
  private snapshot<T>(fn: () => T): T {
    return this.runInTransaction.deferred(fn) as T;
  }

  isTransient(err: unknown): boolean {
    return isTransientSqliteError(err);
  }

  async ping(): Promise<void> {
    this.st.ping.get();
  }

  onWake(listener: () => void): () => void {
    return this.watcher.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher.stop();
    this.db.close();
  }

  async createTask(task: S.NewTask): Promise<S.CreateTaskResult> {
    const plan = planNewTask(task);
    const encoded = encodeTask(task);
    return this.write(task.initiator, (tx) => createTaskInTx(tx, task, plan, encoded));
  }

  async createTasks(tasks: S.NewTask[]): Promise<S.CreateTaskResult[]> {
    const prepared = tasks.map((task) => ({ task, plan: planNewTask(task), encoded: encodeTask(task) }));
    if (prepared.length === 0) return [];
    return this.runInTransaction.immediate(() => {
      const now = Date.now();
      const pauses = batchPauseLookup(this.st);
      // One SqliteTx per task, so each task's history carries its own initiator as actor.
      return prepared.map((p) => {
        const tx = new SqliteTx(this.st, now, p.task.initiator);
        return createTaskInTx(tx, p.task, p.plan, p.encoded, pauses);
      });
    }) as S.CreateTaskResult[];
  }

  /** Whether a step is claimable now: the plain claim's, or (`rated`) the rate claim's. */
  private anyReady(rated: boolean): boolean {
    const now = Date.now();
    return this.st.anyReady.get(now) !== undefined || (rated && this.st.anyRateReady.get(now) !== undefined);
  }

  async claimSteps(req: S.ClaimRequest): Promise<S.ClaimedStep[]> {
    assertClaimRequest(req, 'claimSteps');
    // Idle pollers skip the write lock when nothing is claimable.
    if (req.limit === 0 || !this.anyReady(req.rateLimited === true)) return [];
    return this.write(req.workerId, (tx) => claimInTx(tx, req));
  }

  async completeSteps(outcomes: S.StepOutcome[], opts: S.CompleteOptions): Promise<S.CompletionResult> {
    assertWorkerId(opts.workerId, 'completeSteps');
    if (opts.claim) assertClaimRequest(opts.claim, 'completeSteps claim');
    outcomes.forEach(assertOutcome);
    const checked = opts.resultsChecked === true;
    const encoded = outcomes.map((o) => encodeOutcome(o, checked));
    return this.write(opts.workerId, (tx) => completeInTx(tx, encoded, opts));
  }

  async applyPlan(req: S.PlanRequest): Promise<S.PlanResult> {
    assertWorkerId(req.workerId, 'applyPlan');
    const annotations = req.annotations.map((a) => {
      assertAnnotationType(a.annotation_type);
      const content = encodeFaithfulJson(a.content ?? null, `annotation "${a.annotation_type}" content`, 'content')!;
      return { annotation_type: a.annotation_type, content };
    });
    return this.write(req.workerId, (tx) => applyPlanInTx(tx, req, annotations));
  }

  async extendLeases(workerId: string, stepIds: S.StepId[], leaseMs: number): Promise<{ lost: S.StepId[] }> {
    assertWorkerId(workerId, 'extendLeases');
    assertLeaseMs(leaseMs, 'extendLeases');
    if (stepIds.length === 0) return { lost: [] };
    return this.write(workerId, (tx) => {
      const expires = tx.now + Math.ceil(leaseMs);
      const lost = stepIds.filter((id) => tx.st.extendLease.run(expires, id, workerId).changes === 0);
      return { lost };
    });
  }

  async getTaskContexts(taskIds: S.TaskId[]): Promise<Map<S.TaskId, S.TaskContextRecord>> {
    return this.snapshot(() => this.reads.getTaskContexts(taskIds));
  }

  async getStepSnapshots(requests: S.StepSnapshotRequest[]): Promise<S.StepRecord[]> {
    return this.snapshot(() => this.reads.getStepSnapshots(requests));
  }

  async reclaimSteps(req: S.ReclaimRequest): Promise<S.ReclaimResult> {
    if (req.kind === 'workers' && req.workerIds.length === 0) return { reclaimed: [], finalized: [] };
    return this.write(SYSTEM_ACTOR, (tx) => reclaimInTx(tx, req, this.workers.holderAlive));
  }

  async listUnfinishedTaskIds(limit?: number): Promise<S.TaskId[]> {
    return (this.st.unfinishedTaskIds.all(limit ?? -1) as Array<{ task_id: S.TaskId }>).map((r) => r.task_id);
  }

  async nextRetryAt(): Promise<number | null> {
    return (this.st.nextRetryAt.get(Date.now(), Date.now()) as { at: number | null }).at ?? null;
  }

  async cancelTask(taskId: S.TaskId, actor: string, reason?: string | null): Promise<S.CancelResult> {
    assertActor(actor, 'cancelTask');
    assertReason(reason, 'cancelTask');
    return this.write(actor, (tx) => cancelInTx(tx, taskId, reason ?? null));
  }

  async operate(action: S.OperatorAction): Promise<S.OperatorResult> {
    assertActor(action.actor, `operate ${action.type}`);
    assertReason(action.reason, `operate ${action.type}`);
    const results =
      action.type === 'resolve_step' ? encodeFaithfulJson(action.results ?? null, 'resolved results', 'results') : null;
    return this.write(action.actor, (tx) => operateInTx(tx, action, results));
  }

  async rerunFrom(taskId: S.TaskId, stepId: S.StepId, opts: S.RerunOptions): Promise<S.RerunResult> {
    assertRerunOptions(opts);
    // A rerun may drop map instances: without foreign key checks, as pruning does (each deleted step would scan the
    // history, whose step_id has no index). Switched only for tasks that have instances.
    if (!this.st.hasInstances.get(taskId)) return this.write(opts.actor, (tx) => rerunInTx(tx, taskId, stepId, opts));
    this.db.pragma('foreign_keys = OFF');
    try {
      return this.write(opts.actor, (tx) => rerunInTx(tx, taskId, stepId, opts));
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  async pauseTask(taskId: S.TaskId, actor: string, reason?: string | null): Promise<S.TaskPauseResult> {
    assertActor(actor, 'pauseTask');
    assertReason(reason, 'pauseTask');
    return this.write(actor, (tx) => setTaskPauseInTx(tx, taskId, true, actor, reason ?? null));
  }

  async resumeTask(taskId: S.TaskId, actor: string, reason?: string | null): Promise<S.TaskPauseResult> {
    assertActor(actor, 'resumeTask');
    assertReason(reason, 'resumeTask');
    return this.write(actor, (tx) => setTaskPauseInTx(tx, taskId, false, actor, reason ?? null));
  }

  async pauseTemplates(target: S.PauseTarget, actor: string, reason?: string | null): Promise<S.TemplatePauseResult> {
    assertActor(actor, 'pauseTemplates');
    assertReason(reason, 'pauseTemplates');
    return this.write(actor, (tx) => setTemplatePauseInTx(tx, target, true, actor, reason ?? null));
  }

  async resumeTemplates(target: S.PauseTarget, actor: string, reason?: string | null): Promise<S.TemplatePauseResult> {
    assertActor(actor, 'resumeTemplates');
    assertReason(reason, 'resumeTemplates');
    return this.write(actor, (tx) => setTemplatePauseInTx(tx, target, false, actor, reason ?? null));
  }

  async listPaused(): Promise<S.PausedTemplate[]> {
    return listPaused(this.st);
  }

  async pausedFor(namespace: string, name: string): Promise<S.PausedTemplate | null> {
    return pausedFor(this.st, namespace, name);
  }

  async releaseDueTasks(limit = 1000): Promise<S.DueTasksResult> {
    // Idle pollers skip the write lock when nothing is due.
    const released = this.st.anyDue.get(Date.now()) ? this.write(SYSTEM_ACTOR, (tx) => releaseDueInTx(tx, limit)) : 0;
    return { released, next_at: (this.st.nextDue.get(Date.now()) as { at: number | null }).at ?? null };
  }

  async pruneTasks(req: S.PruneRequest): Promise<S.PruneResult> {
    return pruneTasks(this.db, this.st, (fn) => this.runInTransaction.immediate(fn), req);
  }

  async concurrencyGroups(): Promise<S.ConcurrencyGroup[]> {
    return (this.st.listGroups.all() as Array<Record<string, unknown>>).map(mapGroupRow);
  }

  async addAnnotation(taskId: S.TaskId, annotationType: string, content: unknown): Promise<void> {
    assertAnnotationType(annotationType);
    const json = encodeFaithfulJson(content ?? null, `annotation "${annotationType}" content`, 'content');
    this.write(null, (tx) => {
      if (!tx.taskRow(taskId)) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
      tx.st.insertAnnotation.run(taskId, annotationType, json, tx.now);
    });
  }

  async getTask(taskId: S.TaskId): Promise<S.TaskRecord | null> {
    return this.snapshot(() => this.reads.getTask(taskId));
  }

  async findTaskByIdempotencyKey(key: string): Promise<S.TaskId | null> {
    // never .pluck() a shared cached statement: it changes the statement for every other caller
    return (this.st.findTaskByKey.get(key) as { task_id: S.TaskId } | undefined)?.task_id ?? null;
  }

  async listTasks(filter: S.TaskListFilter): Promise<S.TaskPage> {
    return this.reads.listTasks(filter);
  }

  async getHistory(taskId: S.TaskId, stepId?: S.StepId): Promise<S.TransitionRecord[]> {
    return this.reads.getHistory(taskId, stepId);
  }

  async stats(): Promise<S.StoreStats> {
    return this.snapshot(() => this.reads.stats(Date.now()));
  }

  async activity(): Promise<S.StoreActivity> {
    return this.snapshot(() => this.history.activity(Date.now()));
  }
}
