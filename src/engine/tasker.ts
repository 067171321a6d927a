// `Tasker`, the library's engine facade: open a store, register templates, handlers and subscribers, submit task
// requests, run steps (the dispatcher), wait for and read tasks, cancel, apply operator actions, close cleanly.
// Its parts are built and wired in engine-parts.ts; submission itself (planning, creating, after-create events) is
// task-submitter.ts, cancel and operator actions are task-control.ts.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { TaskTemplate, TemplateSource } from '../definition/model.js';
import { TemplateRegistry } from '../definition/template-registry.js';
import { HandlerRegistry, checkHandlers, type HandlerEntry } from '../definition/handler-registry.js';
import { checkSubtaskCycles } from '../definition/subtask-cycles.js';
import { loadTemplates } from '../definition/template-loader.js';
import { loadHandlerModule, type HandlerModule } from '../definition/handler-module.js';
import { TemplateValidationError, type ValidationIssue } from '../definition/validation-issue.js';
import { openStore } from '../store/open-store.js';
import type {
  ConcurrencyGroup,
  RateLimitInfo,
  OperatorAction,
  OperatorResult,
  PausedTemplate,
  PruneResult,
  Store,
  StoreStats,
  TaskListFilter,
  TaskPage,
  TaskPauseResult,
  TemplatePauseResult,
  TransitionRecord,
} from '../core/store-contract.js';
import { checkStore, type StoreHealth } from './store-health.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { TaskWaiters, type WaitOptions } from './task-waiters.js';
import type { TaskRequest } from './task-request.js';
import type { SubmitResult } from './task-submitter.js';
import type { ActorOptions } from './task-control.js';
import type { SignalOptions, SignalReceipt, SignalTarget } from './signal-delivery.js';
import { taskJson, type TaskJson } from './task-json.js';
import { NotFoundError } from '../core/errors.js';
import { resolveTaskerOptions, type ResolvedTaskerOptions, type TaskerOptions } from './options.js';
import { fanOut, type EngineMetricsSink } from './metrics-sink.js';
import type { OperatorReads } from './operator-reads.js';
import { assembleEngine, type EngineParts } from './engine-parts.js';
import type { RerunFilter, RerunOptions, RerunWhereOptions, RerunWhereResult } from './task-rerun.js';
import type { ScheduleControl } from './schedule-control.js';
import { pruneInBatches, type PruneOptions } from './retention.js';
import { setRateLimit } from './rate-limits.js';
import type { RateLimitInput } from '../definition/define-task.js';

export type { TaskerOptions } from './options.js';
export type { SubmitResult } from './task-submitter.js';
export type { WaitOptions } from './task-waiters.js';
export type { ActorOptions } from './task-control.js';

export class Tasker {
  readonly templates = new TemplateRegistry();
  readonly handlers = new HandlerRegistry();
  readonly workerId: string;
  readonly logger: Logger;
  /** History pages, recent activity and the live history feed (the API's history, stats and event stream). */
  readonly reads: OperatorReads;
  /** Cron schedules: list, pause, resume, trigger (schedule-control.ts). */
  readonly schedules: ScheduleControl;
  private readonly waiters = new TaskWaiters();
  /** The engine's parts (engine-parts.ts). */
  private readonly p: EngineParts;
  private unsubscribeWake: (() => void) | null = null;
  private metricsSinks: EngineMetricsSink[] = [];
  private started = false;
  private closed = false;

  private constructor(
    readonly store: Store,
    private readonly ownsStore: boolean,
    private readonly options: ResolvedTaskerOptions,
    logger: Logger,
  ) {
    this.logger = logger;
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.p = assembleEngine({
      store,
      options,
      logger,
      workerId: this.workerId,
      templates: this.templates,
      handlers: this.handlers,
      waiters: this.waiters,
      started: () => this.started,
      forget: (id) => this.onTaskFinished(id),
    });
    this.reads = this.p.reads;
    this.schedules = this.p.schedules;
  }

  /**
   * Open an engine: check every option (resolveTaskerOptions: a bad one is refused before anything is opened),
   * connect the store (migrating it), load templates and handlers, and start running steps.
   */
  static async open(options: TaskerOptions = {}): Promise<Tasker> {
    const o = resolveTaskerOptions(options);
    const logger = o.logger ?? createLogger({ level: o.logLevel, format: o.logFormat });
    const store =
      typeof o.db === 'object'
        ? o.db
        : await openStore(o.db, {
            logger,
            ...(o.schema ? { schema: o.schema } : {}),
            migrate: o.migrate,
          });
    const tasker = new Tasker(store, typeof o.db !== 'object', o, logger);
    try {
      if (typeof o.handlers === 'string') await tasker.loadHandlers(o.handlers);
      else if (o.handlers) tasker.registerHandlers(o.handlers);
      const paths = o.templates.filter((t): t is string => typeof t === 'string');
      if (paths.length) await tasker.loadTemplates(paths);
      for (const t of o.templates) if (typeof t !== 'string') tasker.registerTemplate(t);
      for (const s of o.subscribers) tasker.subscribe(s);
      if (o.start) await tasker.start();
    } catch (err) {
      await tasker.close().catch(() => undefined);
      throw err;
    }
    return tasker;
  }

  registerTemplate(template: TaskTemplate, source?: TemplateSource): this {
    this.templates.register(template, source);
    this.p.scheduler.wake();
    if (this.started) this.p.rateLimits.declareSoon();
    return this;
  }

  /** Load YAML templates from files or directories; every problem is reported at once (TemplateValidationError). */
  async loadTemplates(paths: string[]): Promise<TaskTemplate[]> {
    const result = await loadTemplates(paths, this.options.env ? { env: this.options.env } : {});
    if (result.issues.length) throw new TemplateValidationError(result.issues);
    for (const l of result.templates) this.templates.register(l.template, l.source);
    this.p.scheduler.wake();
    if (this.started) await this.p.rateLimits.declare();
    return result.templates.map((l) => l.template);
  }

  registerHandlers(entries: Record<string, HandlerEntry>): this {
    this.handlers.registerAll(entries);
    this.p.catalog.invalidateHandlers();
    return this;
  }

  /** Load a handlers module (.js/.mjs/.ts): its handlers, and its `subscribers` export. */
  async loadHandlers(file: string): Promise<HandlerModule> {
    const mod = await loadHandlerModule(file, { timeoutMs: this.options.handlersTimeoutMs });
    this.registerHandlers(mod.handlers);
    for (const s of mod.subscribers) this.subscribe(s);
    return mod;
  }

  /** Subscribe an EventSubscriber class/instance or a function (`events` defaults to the class's or `*`). */
  subscribe(subscriber: unknown, events?: readonly string[]): () => void {
    return this.p.bus.subscribe(subscriber, events);
  }

  /**
   * Report claims, completion batches, lease extensions and reclaims of this process to `sink` (what lifecycle
   * events do not carry; `TaskerMetrics` attaches itself). Returns a function that detaches it.
   */
  instrument(sink: EngineMetricsSink): () => void {
    this.metricsSinks = [...this.metricsSinks, sink];
    this.attachMetrics();
    return () => {
      this.metricsSinks = this.metricsSinks.filter((s) => s !== sink);
      this.attachMetrics();
    };
  }

  private attachMetrics(): void {
    this.p.dispatcher.metrics = this.p.leases.metrics = fanOut(this.metricsSinks);
  }

  /** Problems that would surprise at run time: step handler classes that resolve to nothing. */
  checkHandlers(): ValidationIssue[] {
    const ns = this.p.dispatcher.options.namespaces;
    return this.templates
      .list()
      .filter((l) => !ns || ns.includes(l.template.namespace_name))
      .flatMap((l) => checkHandlers(l.template, this.handlers, l.source));
  }

  /** Start running steps in this process (heartbeats, lease sweeps, wake-ups, the dispatch loop). */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    const issues = this.checkHandlers();
    if (issues.length && this.p.dispatcher.options.concurrency > 0) throw new TemplateValidationError(issues);
    const cycles = checkSubtaskCycles(this.templates.list());
    if (cycles.length) throw new TemplateValidationError(cycles);
    await this.p.rateLimits.declare(); // before the first claim: a limit not in the store holds its steps
    this.started = true;
    await this.p.leases.start();
    this.unsubscribeWake = this.store.onWake(() => this.p.dispatcher.wake());
    const next = await this.store.nextRetryAt();
    if (next !== null) this.p.dispatcher.wakeAt(next);
    this.p.dispatcher.start();
    if (this.p.dispatcher.options.concurrency > 0) this.p.delayed.start();
    // Every process that runs steps ticks the schedules (no leader; the store makes each tick one task).
    if (this.options.schedules && this.p.dispatcher.options.concurrency > 0) this.p.scheduler.start();
    this.p.retention?.start();
  }

  /**
   * Create a task from a request (validated against its template's schema). Does not wait for it. With tracing on,
   * a `tasker.submit` span (a child of the active context) covers it, and the task keeps its context for its steps.
   */
  submit(request: TaskRequest): Promise<SubmitResult> {
    return this.p.submitter.submit(request);
  }

  /**
   * Create many tasks in one store transaction (all or none; every request is validated first, and one invalid
   * request rejects the batch with its position named). Results follow the request order. Does not wait for them.
   */
  submitMany(requests: readonly TaskRequest[]): Promise<SubmitResult[]> {
    return this.p.submitter.submitMany(requests);
  }

  /** Submit and wait for the end; returns the final task JSON. */
  async run(request: TaskRequest, wait: WaitOptions = {}): Promise<TaskJson> {
    const { task_id } = await this.submit(request);
    return this.waitForTask(task_id, wait);
  }

  /** Resolves with the task JSON once the task is terminal (finished here or by any other worker). */
  async waitForTask(taskId: number, options: WaitOptions = {}): Promise<TaskJson> {
    // its annotations hook may still be writing when the task is seen terminal
    const task = await this.waiters.untilFinished(this.store, taskId, options, () => this.p.finalizer.drain());
    return taskJson(task, await this.store.dynamic.childTasks(taskId));
  }

  /** The store's health within `timeoutMs` (never throws): kind, credential-free URL, latency or error. */
  checkStore(timeoutMs: number): Promise<StoreHealth> {
    return checkStore(this.store, timeoutMs);
  }

  /** Tasks and steps by state, ready depth, waiting steps and workers (cluster-wide on PostgreSQL). */
  storeStats(): Promise<StoreStats> {
    return this.store.stats();
  }

  /** A task's transition history, or one step's. */
  getHistory(taskId: number, stepId?: number): Promise<TransitionRecord[]> {
    return this.store.getHistory(taskId, stepId);
  }

  /** Whether an error from the store means "unavailable for now" (retry later), e.g. for an HTTP 503. */
  isStoreUnavailable(err: unknown): boolean {
    return this.store.isTransient(err);
  }

  async getTask(taskId: number): Promise<TaskJson | null> {
    const [task, children] = await Promise.all([this.store.getTask(taskId), this.store.dynamic.childTasks(taskId)]);
    return task ? taskJson(task, children) : null;
  }

  listTasks(filter: TaskListFilter = {}): Promise<TaskPage> {
    return this.store.listTasks(filter);
  }

  /** Cancel a task: pending steps are cancelled and in-flight handlers see `step.signal` abort. */
  cancelTask(taskId: number, options: { actor?: string; reason?: string } = {}): Promise<boolean> {
    return this.p.control.cancel(taskId, options);
  }

  /**
   * Pause a pending or running task: no new step of it starts, running steps finish (and make nothing claimable);
   * recorded in its history with the actor. OperatorActionError when the task is finished.
   */
  pauseTask(taskId: number, options: ActorOptions = {}): Promise<TaskPauseResult> {
    return this.p.control.pauseTask(taskId, true, options);
  }

  /** Resume a task paused by `pauseTask`; it still waits while its template or namespace is paused. */
  resumeTask(taskId: number, options: ActorOptions = {}): Promise<TaskPauseResult> {
    return this.p.control.pauseTask(taskId, false, options);
  }

  /**
   * Pause a template, every version (kept in the store: it holds for every process): new tasks are accepted and wait
   * (`pending`, waiting_for `paused`), unfinished ones finish the steps they are in and start no new one.
   */
  pauseTemplate(namespace: string, name: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.p.control.pauseTemplates({ namespace, name }, true, options);
  }

  resumeTemplate(namespace: string, name: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.p.control.pauseTemplates({ namespace, name }, false, options);
  }

  /** `pauseTemplate` for every template of a namespace, present and future. */
  pauseNamespace(namespace: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.p.control.pauseTemplates({ namespace }, true, options);
  }

  resumeNamespace(namespace: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.p.control.pauseTemplates({ namespace }, false, options);
  }

  /** Every paused template and namespace. */
  listPaused(): Promise<PausedTemplate[]> {
    return this.store.listPaused();
  }

  /** Every concurrency slot group: its limit, the slots held and the work waiting for one. */
  concurrencyGroups(): Promise<ConcurrencyGroup[]> {
    return this.store.concurrencyGroups();
  }

  /** Set a rate limit by hand (it overrides every template's declaration of the name). */
  setRateLimit(name: string, spec: RateLimitInput, options: ActorOptions = {}): Promise<RateLimitInfo> {
    return setRateLimit(this.store, name, spec, options.actor ?? 'api');
  }

  /** Every rate limit: its spec, where it came from, its buckets and the steps waiting for a token. */
  listRateLimits(): Promise<RateLimitInfo[]> {
    return this.store.listRateLimits();
  }

  /**
   * Send a signal to a task (by id, or by the idempotency key it was submitted with): the step waiting for `name`
   * completes with `payload` as its results, now or when it starts waiting (signal-delivery.ts).
   */
  signal(target: SignalTarget, name: string, payload?: unknown, options?: SignalOptions): Promise<SignalReceipt> {
    return this.p.signals.send(target, name, payload, options);
  }

  /** Operator actions: retry/resolve/skip a step, retry a task. Illegal ones throw OperatorActionError. */
  operate(action: OperatorAction): Promise<OperatorResult> {
    return this.p.control.operate(action);
  }

  /**
   * Rerun a completed or failed task from a step (id or name) and, unless `downstream: false`, all that is downstream
   * of it, at its next run (task-rerun.ts). Returns the task JSON after the reset; OperatorActionError when illegal.
   */
  async rerun(taskId: number, step: number | string, options: RerunOptions): Promise<TaskJson> {
    await this.p.rerunner.rerun(taskId, step, options);
    const task = await this.getTask(taskId);
    if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
    return task;
  }

  /** `rerun` for every completed or failed task `filter` selects, a page at a time; `dryRun` only counts. */
  rerunWhere(filter: RerunFilter, step: string, options: RerunWhereOptions): Promise<RerunWhereResult> {
    return this.p.rerunner.rerunWhere(filter, step, options);
  }

  /**
   * Delete finished tasks older than their cutoffs (ages such as `30d`, or dates) with their steps, history and
   * annotations, a transaction of `batchSize` tasks at a time (retention.ts); `dryRun` only counts. A pruned task's
   * idempotency key is free again.
   */
  prune(options: PruneOptions): Promise<PruneResult> {
    return pruneInBatches(this.store, options);
  }

  /** Resolves when this process has nothing in flight (useful in tests). */
  idle(): Promise<void> {
    return this.p.dispatcher.idle();
  }

  /** Stop running steps: no new claims; in-flight steps finish (or are released after the drain timeout). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.p.delayed.stop();
    this.unsubscribeWake?.();
    this.unsubscribeWake = null;
    await this.p.scheduler.stop();
    await this.p.retention?.stop();
    await this.p.dispatcher.stop(this.options.drainTimeoutMs);
    await this.p.finalizer.drain();
    await this.p.leases.stop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.reads.close();
    await this.stop();
    this.closed = true;
    await this.p.finalizer.drain();
    this.waiters.notifyAll();
    if (this.ownsStore) await this.store.close();
  }

  private onTaskFinished(taskId: number): void {
    this.p.dispatcher.forgetTask(taskId);
  }
}
