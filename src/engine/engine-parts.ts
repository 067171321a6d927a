// The parts of one engine and how they are wired together: the event bus and lifecycle publisher, the workflow
// catalog and the stored template definitions, the dispatcher and lease keeper, submission, task control, reruns,
// delayed starts, the cron scheduler and retention. `Tasker` (tasker.ts) is the facade over them; this file owns only the construction order and the
// callbacks between parts.
import type { Store } from '../core/store-contract.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import type { HandlerRegistry } from '../definition/handler-registry.js';
import type { Logger } from '../telemetry/logger.js';
import { EventBus } from './event-bus.js';
import { LifecyclePublisher } from './lifecycle-publisher.js';
import { WorkflowCatalog } from './workflow-catalog.js';
import { TaskFinalizer } from './task-finalizer.js';
import type { TaskWaiters } from './task-waiters.js';
import { Dispatcher } from './dispatcher.js';
import { LeaseKeeper } from './lease-keeper.js';
import { TaskSubmitter } from './task-submitter.js';
import { TaskControl } from './task-control.js';
import { DelayedStarts } from './delayed-starts.js';
import type { ResolvedTaskerOptions } from './option-types.js';
import type { AnnotationSink } from './handler-views.js';
import { OperatorReads } from './operator-reads.js';
import { TaskRerunner } from './task-rerun.js';
import { TaskTracing } from './task-tracing.js';
import { Scheduler } from './scheduler.js';
import { ScheduleControl, scheduledSubmit } from './schedule-control.js';
import { RetentionKeeper } from './retention-keeper.js';
import { RateLimitDeclarer } from './rate-limits.js';
import { TemplateDefinitions } from './template-definitions.js';
import { SignalDelivery } from './signal-delivery.js';
import { DynamicSteps } from './dynamic-steps.js';

/** What the parts ask of the engine that owns them. */
export interface EngineHost {
  readonly store: Store;
  readonly options: ResolvedTaskerOptions;
  readonly logger: Logger;
  readonly workerId: string;
  readonly templates: TemplateRegistry;
  readonly handlers: HandlerRegistry;
  readonly waiters: TaskWaiters;
  /** Whether the engine runs steps in this process now. */
  started(): boolean;
  /** A task finished or starts a new run: forget what this process cached of it. */
  forget(taskId: number): void;
}

export interface EngineParts {
  readonly bus: EventBus;
  readonly publisher: LifecyclePublisher;
  readonly reads: OperatorReads;
  readonly catalog: WorkflowCatalog;
  readonly tracing: TaskTracing;
  readonly finalizer: TaskFinalizer;
  readonly dispatcher: Dispatcher;
  readonly rerunner: TaskRerunner;
  readonly leases: LeaseKeeper;
  readonly delayed: DelayedStarts;
  readonly submitter: TaskSubmitter;
  readonly control: TaskControl;
  readonly scheduler: Scheduler;
  readonly schedules: ScheduleControl;
  readonly retention: RetentionKeeper | null;
  readonly rateLimits: RateLimitDeclarer;
  readonly definitions: TemplateDefinitions;
  readonly signals: SignalDelivery;
}

/** Build every part of an engine, in dependency order. */
export function assembleEngine(host: EngineHost): EngineParts {
  const { store, options, logger, workerId, waiters } = host;
  const forget = (id: number) => host.forget(id);
  const bus = new EventBus(logger);
  const publisher = new LifecyclePublisher(bus);
  const reads = new OperatorReads(store, bus, logger);
  // A step cut off by the built-in default says so (and where to change it), not "this worker's step timeout".
  const workerStepTimeout = options.stepTimeoutFrom === 'default' ? undefined : options.stepTimeoutMs;
  const definitions = new TemplateDefinitions(store, host.templates, logger, options.allowRedefine);
  const catalog = new WorkflowCatalog(host.templates, host.handlers, options.retry, workerStepTimeout, definitions);
  const tracing = new TaskTracing(store, workerId);
  const finalizer = new TaskFinalizer(store, catalog, publisher, waiters, logger, forget, tracing);
  const annotate: AnnotationSink = (id, a) => store.addAnnotation(id, a.annotation_type, a.content);
  const { namespaces, leaseMs } = options;
  const dispatcher = new Dispatcher(store, catalog, publisher, finalizer, annotate, logger, {
    workerId,
    concurrency: options.concurrency,
    prefetch: options.prefetch,
    leaseMs,
    pollIntervalMs: options.pollIntervalMs,
    namespaces,
    templates: () => catalog.capabilities(namespaces),
    rateLimited: () => catalog.rateLimited(namespaces),
    tracing,
    dynamic: new DynamicSteps(
      store,
      workerId,
      (req, parent) => submitter.submitChild(req, parent),
      options.maxSubtaskDepth,
      options.maxMapItems,
    ),
  });
  const rerunner = new TaskRerunner(store, catalog, (id) => {
    forget(id); // nothing cached of the previous run serves the next
    if (host.started()) dispatcher.wake();
  });
  const leases = new LeaseKeeper(store, dispatcher, finalizer, publisher, logger, {
    workerId,
    leaseMs,
    namespaces,
    capabilities: () => catalog.capabilities(namespaces),
  });
  const delayed = new DelayedStarts(store, logger, options.pollIntervalMs, () => dispatcher.wake());
  const submitter = new TaskSubmitter(
    store,
    catalog,
    bus,
    publisher,
    finalizer,
    tracing,
    logger,
    (startAt) => {
      if (!host.started()) return;
      if (startAt !== null) delayed.dueAt(startAt);
      dispatcher.wake();
    },
    () => definitions.save(),
  );
  const control = new TaskControl(store, dispatcher, publisher, finalizer, waiters, tracing, {
    started: () => host.started(),
    forget,
  });
  const submitScheduled = scheduledSubmit(store, submitter);
  const scheduler = new Scheduler(store, host.templates, submitScheduled, logger, { namespaces });
  const schedules = new ScheduleControl(store, host.templates, submitScheduled, scheduler);
  const retention = options.retention ? new RetentionKeeper(store, options.retention, logger) : null;
  return {
    bus,
    publisher,
    reads,
    catalog,
    tracing,
    finalizer,
    dispatcher,
    rerunner,
    leases,
    delayed,
    submitter,
    control,
    scheduler,
    schedules,
    retention,
    rateLimits: new RateLimitDeclarer(store, host.templates, logger),
    definitions,
    signals: new SignalDelivery(store, catalog, () => {
      if (host.started()) dispatcher.wake();
    }),
  };
}
