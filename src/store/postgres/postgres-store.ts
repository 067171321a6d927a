// The PostgreSQL implementation of the Store contract, for many worker processes on many machines: a `pg` pool,
// versioned migrations under an advisory lock, SKIP LOCKED claims, set-based completions, LISTEN/NOTIFY wake-ups,
// and connection errors that are logged and reported as transient (see transient-errors.ts) instead of crashing.
import type pg from 'pg';
import { NotFoundError } from '../../core/errors.js';
import type * as S from '../../core/store-contract.js';
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
import { claimSteps } from './claim.js';
import { PgRateLimits, rateClaim } from './rate-limits.js';
import { PgDefinitions } from './definitions.js';
import { PgWorkers } from './workers.js';
import { completeSteps, encodeOutcome } from './complete.js';
import type { PgContext } from './context.js';
import { createTaskAtOnce, createTaskInTx, encodeTask } from './create-task.js';
import { createTasks } from './create-tasks.js';
import { jsonbValue } from './jsonb.js';
import { listTasks } from './list-tasks.js';
import { operateInTx } from './operate.js';
import { run, runRetrying, withTransaction } from './pool.js';
import { PgReads } from './reads.js';
import { PgHistory } from './history.js';
import { cancelInTx, reclaimCandidates, reclaimInTx } from './reclaim.js';
import { rerunInTx } from './rerun.js';
import { PgSchedules } from './schedules.js';
import { PgDynamic } from './dynamic.js';
import { pruneTasks } from './prune.js';
import { PgTx } from './tx.js';
import { type WakeListener } from './wake-listener.js';
import { applyPlanInTx } from './apply-plan.js';
import { listPaused, pausedFor, releaseDue, setTaskPauseInTx, setTemplatePauseInTx } from './flow.js';
import { isTransientDbError } from './transient-errors.js';
import { ESTIMATE_ABOVE } from './stats.js';

export class PostgresStore implements S.Store {
  readonly kind = 'postgres' as const;
  readonly schedules: PgSchedules;
  readonly dynamic: PgDynamic;
  readonly rateLimits: PgRateLimits;
  readonly definitions: PgDefinitions;
  readonly workers: PgWorkers;
  readonly history: PgHistory;
  private readonly reads: PgReads;
  private closed = false;
  /** Tables of more rows than this get estimated counts by state in stats() (./stats.ts; tests lower it). */
  statsEstimateAbove = ESTIMATE_ABOVE;

  constructor(
    private readonly ctx: PgContext,
    readonly url: string,
    private readonly wake: WakeListener,
  ) {
    this.reads = new PgReads(ctx);
    this.history = new PgHistory(ctx, () => this.open());
    this.schedules = new PgSchedules(ctx, () => this.open());
    this.dynamic = new PgDynamic(ctx, () => this.open());
    this.rateLimits = new PgRateLimits(ctx, () => this.open());
    this.definitions = new PgDefinitions(ctx, () => this.open());
    this.workers = new PgWorkers(ctx, wake, () => this.open());
  }

  /** The schema this store lives in. */
  get schema(): string {
    return this.ctx.names.schema;
  }

  /** The pool, for PostgreSQL-specific tests and tools. */
  get pool(): pg.Pool {
    return this.ctx.pool;
  }

  /** Resolves once the LISTEN connection is established (after the first `onWake`). */
  wakeReady(): Promise<void> {
    return this.wake.ready();
  }

  private open(): void {
    if (this.closed) throw new Error(`PostgreSQL store ${this.url} is closed`);
  }

  private write<T>(actor: string | null, fn: (tx: PgTx) => Promise<T>): Promise<T> {
    this.open();
    return withTransaction(this.ctx.pool, this.ctx.logger, (client) => fn(new PgTx(client, this.ctx, actor)));
  }

  isTransient(err: unknown): boolean {
    return isTransientDbError(err);
  }

  async ping(): Promise<void> {
    this.open();
    await this.reads.ping();
  }

  onWake(listener: () => void): () => void {
    this.open();
    return this.wake.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wake.close();
    await this.ctx.pool.end();
  }

  async createTask(task: S.NewTask): Promise<S.CreateTaskResult> {
    const plan = planNewTask(task);
    const encoded = encodeTask(task);
    this.open();
    return (
      (await createTaskAtOnce(this.ctx, task, plan, encoded)) ??
      this.write(task.initiator, (tx) => createTaskInTx(tx, task, plan, encoded))
    );
  }

  async createTasks(tasks: S.NewTask[]): Promise<S.CreateTaskResult[]> {
    const prepared = tasks.map((task) => ({ task, plan: planNewTask(task), encoded: encodeTask(task) }));
    if (prepared.length === 0) return [];
    this.open();
    return createTasks(this.ctx, prepared);
  }

  async claimSteps(req: S.ClaimRequest): Promise<S.ClaimedStep[]> {
    assertClaimRequest(req, 'claimSteps');
    assertWorkerId(req.workerId, 'claimSteps');
    this.open();
    if (req.rateLimited !== true) return claimSteps(this.ctx, req);
    // Rate-limited steps first, for a worker that can run some: they are bounded by their tokens, and served only
    // after a short plain claim they would never start on a worker kept busy by other work.
    const tokened = await rateClaim(this.ctx, req, req.limit, this.ctx.missingRateLimit);
    if (tokened.length >= req.limit) return tokened;
    return [...tokened, ...(await claimSteps(this.ctx, { ...req, limit: req.limit - tokened.length }))];
  }

  async completeSteps(outcomes: S.StepOutcome[], opts: S.CompleteOptions): Promise<S.CompletionResult> {
    assertWorkerId(opts.workerId, 'completeSteps');
    if (opts.claim) assertClaimRequest(opts.claim, 'completeSteps claim');
    outcomes.forEach(assertOutcome);
    const checked = opts.resultsChecked === true;
    const encoded = outcomes.map((o) => encodeOutcome(o, checked));
    if (encoded.length === 0 && !opts.claim) {
      return { applied: [], stale: [], skipped: [], finalized: [], readyCount: 0, claimed: [] };
    }
    this.open();
    return completeSteps(this.ctx, encoded, opts);
  }

  async applyPlan(req: S.PlanRequest): Promise<S.PlanResult> {
    assertWorkerId(req.workerId, 'applyPlan');
    const annotations = req.annotations.map((a) => {
      assertAnnotationType(a.annotation_type);
      return {
        annotation_type: a.annotation_type,
        content: jsonbValue(a.content ?? null, `annotation "${a.annotation_type}" content`, 'content'),
      };
    });
    return this.write(req.workerId, (tx) => applyPlanInTx(tx, req, annotations));
  }

  async extendLeases(workerId: string, stepIds: S.StepId[], leaseMs: number): Promise<{ lost: S.StepId[] }> {
    assertWorkerId(workerId, 'extendLeases');
    assertLeaseMs(leaseMs, 'extendLeases');
    this.open();
    if (stepIds.length === 0) return { lost: [] };
    const rows = await runRetrying<{ step_id: number }>(this.ctx.pool, this.ctx.sql.extendLeases, [
      [...new Set(stepIds)],
      workerId,
      leaseMs,
    ]);
    const kept = new Set(rows.map((r) => r.step_id));
    return { lost: stepIds.filter((id) => !kept.has(id)) };
  }

  async getTaskContexts(taskIds: S.TaskId[]): Promise<Map<S.TaskId, S.TaskContextRecord>> {
    this.open();
    return this.reads.getTaskContexts(taskIds);
  }

  async getStepSnapshots(requests: S.StepSnapshotRequest[]): Promise<S.StepRecord[]> {
    this.open();
    return this.reads.getStepSnapshots(requests);
  }

  async reclaimSteps(req: S.ReclaimRequest): Promise<S.ReclaimResult> {
    if (req.kind === 'workers' && req.workerIds.length === 0) return { reclaimed: [], finalized: [] };
    this.open();
    const candidates = await reclaimCandidates(this.ctx, req);
    if (candidates.length === 0) return { reclaimed: [], finalized: [] };
    return this.write(SYSTEM_ACTOR, (tx) => reclaimInTx(tx, req, candidates));
  }

  async listUnfinishedTaskIds(limit?: number): Promise<S.TaskId[]> {
    this.open();
    return this.reads.listUnfinishedTaskIds(limit);
  }

  async nextRetryAt(): Promise<number | null> {
    this.open();
    return this.reads.nextRetryAt();
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
      action.type === 'resolve_step' ? jsonbValue(action.results ?? null, 'resolved results', 'results') : null;
    return this.write(action.actor, (tx) => operateInTx(tx, action, results));
  }

  async rerunFrom(taskId: S.TaskId, stepId: S.StepId, opts: S.RerunOptions): Promise<S.RerunResult> {
    assertRerunOptions(opts);
    return this.write(opts.actor, (tx) => rerunInTx(tx, taskId, stepId, opts));
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
    this.open();
    return listPaused(this.ctx);
  }

  async pausedFor(namespace: string, name: string): Promise<S.PausedTemplate | null> {
    this.open();
    return pausedFor(this.ctx, namespace, name);
  }

  async releaseDueTasks(limit = 1000): Promise<S.DueTasksResult> {
    this.open();
    return releaseDue(this.ctx, limit);
  }

  async pruneTasks(req: S.PruneRequest): Promise<S.PruneResult> {
    this.open();
    return pruneTasks(this.ctx, req);
  }

  async concurrencyGroups(): Promise<S.ConcurrencyGroup[]> {
    this.open();
    return (await run<Record<string, unknown>>(this.ctx.pool, this.ctx.sql.listGroups)).map(mapGroupRow);
  }

  async addAnnotation(taskId: S.TaskId, annotationType: string, content: unknown): Promise<void> {
    assertAnnotationType(annotationType);
    const json = jsonbValue(content ?? null, `annotation "${annotationType}" content`, 'content');
    this.open();
    const rows = await run(this.ctx.pool, this.ctx.sql.insertAnnotation, [taskId, annotationType, json]);
    if (rows.length === 0) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  }

  async getTask(taskId: S.TaskId): Promise<S.TaskRecord | null> {
    this.open();
    return this.reads.getTask(taskId);
  }

  async findTaskByIdempotencyKey(key: string): Promise<S.TaskId | null> {
    this.open();
    return this.reads.findTaskByIdempotencyKey(key);
  }

  async listTasks(filter: S.TaskListFilter): Promise<S.TaskPage> {
    this.open();
    return listTasks(this.ctx, filter);
  }

  async getHistory(taskId: S.TaskId, stepId?: S.StepId): Promise<S.TransitionRecord[]> {
    this.open();
    return this.reads.getHistory(taskId, stepId);
  }

  async stats(): Promise<S.StoreStats> {
    this.open();
    return this.reads.stats(this.statsEstimateAbove);
  }

  async activity(): Promise<S.StoreActivity> {
    return this.history.activity();
  }
}
