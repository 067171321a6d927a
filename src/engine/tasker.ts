// `Tasker`, the library's engine facade: open a store, register templates, handlers and subscribers, submit task
// requests, run steps (the dispatcher), wait for and read tasks, close cleanly. Its operator surface (cancel, flow
// control, signals, operator actions, reruns, prune) is the base class in tasker-operations.ts. Its parts are built
// and wired in engine-parts.ts; submission itself (planning, creating, after-create events) is task-submitter.ts,
// cancel and operator actions are task-control.ts.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { TaskTemplate, TemplateSource } from '../definition/model.js';
import { TemplateRegistry } from '../definition/template-registry.js';
import { HandlerRegistry, checkHandlers, type HandlerEntry } from '../definition/handler-registry.js';
import { checkSubtaskCycles } from '../definition/subtask-cycles.js';
import { loadTemplates } from '../definition/template-loader.js';
import { loadHandlerModule, type HandlerModule } from '../definition/handler-module.js';
import { TemplateValidationError, type ValidationIssue } from '../definition/validation-issue.js';
import { TemplateRedefinedError } from '../definition/template-redefinition.js';
import { openStore } from '../store/open-store.js';
import type { Store, StoreStats, TaskListFilter, TaskPage, TransitionRecord } from '../core/store-contract.js';
import { checkStore, type StoreHealth } from './store-health.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { TaskWaiters, type WaitOptions } from './task-waiters.js';
import type { TaskRequest } from './task-request.js';
import type { SubmitResult } from './task-submitter.js';
import { taskJson, type TaskJson } from './task-json.js';
import type { ResolvedTaskerOptions, TaskerOptions } from './option-types.js';
import { resolveTaskerOptions } from './options.js';
import { fanOut, type EngineMetricsSink } from './metrics-sink.js';
import type { OperatorReads } from './operator-reads.js';
import { assembleEngine, type EngineParts } from './engine-parts.js';
import { TaskerOperations } from './tasker-operations.js';
import type { ScheduleControl } from './schedule-control.js';

export type { TaskerOptions } from './option-types.js';
export type { SubmitResult } from './task-submitter.js';
export type { WaitOptions } from './task-waiters.js';
export type { ActorOptions } from './task-control.js';

export class Tasker extends TaskerOperations {
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
    super();
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
            poolSize: o.poolSize,
            warmConnections: o.warmConnections,
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
      // Before anything can create a task: a template that changed under the same version is refused here.
      await tasker.p.definitions.save();
      if (o.start) await tasker.start();
    } catch (err) {
      await tasker.close().catch(() => undefined);
      throw err;
    }
    return tasker;
  }

  /**
   * Register a template. One that differs from the stored definition of its version (as this process last read the
   * store) is refused with TemplateRedefinedError; its definition is saved before any task is created from it.
   */
  registerTemplate(template: TaskTemplate, source?: TemplateSource): this {
    this.p.definitions.checkRegistration(template, source?.file);
    this.templates.register(template, source);
    this.p.scheduler.wake();
    if (this.started) {
      this.p.rateLimits.declareSoon();
      this.p.definitions.saveSoon();
    }
    return this;
  }

  /** Load YAML templates from files or directories; every problem is reported at once (TemplateValidationError). */
  async loadTemplates(paths: string[]): Promise<TaskTemplate[]> {
    const result = await loadTemplates(paths, this.options.env ? { env: this.options.env } : {});
    if (result.issues.length) throw new TemplateValidationError(result.issues);
    const redefined = result.templates.flatMap((l) => {
      try {
        this.p.definitions.checkRegistration(l.template, l.source.file);
        return [];
      } catch (err) {
        if (err instanceof TemplateRedefinedError) return err.issues;
        throw err;
      }
    });
    if (redefined.length) throw new TemplateRedefinedError(redefined);
    for (const l of result.templates) this.templates.register(l.template, l.source);
    this.p.scheduler.wake();
    if (this.started) {
      await this.p.definitions.save();
      await this.p.rateLimits.declare();
    }
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
    await this.p.definitions.save(); // refuses a template changed under the same version
    await this.p.definitions.refresh(); // the stored definitions: tasks of templates not registered here run on them
    await this.p.rateLimits.declare(); // before the first claim: a limit not in the store holds its steps
    this.started = true;
    await this.p.leases.start();
    this.unsubscribeWake = this.store.onWake(() => this.p.dispatcher.wake());
    const next = await this.store.nextRetryAt();
    if (next !== null) this.p.dispatcher.wakeAt(next);
    this.p.dispatcher.start();
    if (this.p.dispatcher.options.concurrency > 0) {
      this.p.delayed.start();
      this.p.definitions.start();
    }
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

  /** Resolves when this process has nothing in flight (useful in tests). */
  idle(): Promise<void> {
    return this.p.dispatcher.idle();
  }

  /** Stop running steps: no new claims; in-flight steps finish (or are released after the drain timeout). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.p.delayed.stop();
    this.p.definitions.stop();
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

  protected get parts(): EngineParts {
    return this.p;
  }

  private onTaskFinished(taskId: number): void {
    this.p.dispatcher.forgetTask(taskId);
  }
}
