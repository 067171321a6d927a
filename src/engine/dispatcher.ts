// The dispatch loop: claims ready steps up to `concurrency`, runs their handlers, and records their outcomes in
// batches (one store transaction per batch, which also claims the next ready steps: the in-process fast path).
//
// States of the loop (one driver at a time; `kick` re-runs it when work arrived while it was busy):
//   idle      -> driving   on wake(): a local submit, a NOTIFY, the poll timer, a retry coming due, a finished step,
//                          steps handed back after planning their task
//   driving   -> driving   while there are outcomes to record, or capacity and `wantClaim` (steps may be ready)
//   driving   -> idle      when there are no outcomes and either no capacity or the last claim came back short
//   driving   -> backoff   when the store fails; the batch is kept and retried after a growing pause
//   any       -> draining  on stop(): no more claims; in-flight steps finish or, past the drain timeout, are
//                          aborted and released (their attempt is not counted); then the loop stops.
import type { Span } from '@opentelemetry/api';
import type { ClaimedStep, CompletionResult, Store, StepOutcome } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { AttemptLog, spanLogFields } from '../telemetry/log-fields.js';
import type { CompiledStep, CompiledTemplate, WorkflowCatalog } from './workflow-catalog.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import { StepInputLoader, type StepInputs } from './step-inputs.js';
import { OutcomeEffects, type PendingOutcome } from './outcome-effects.js';
import { executeStep, StepAbort, StepAbortHandle, type Execution, type RunnableStep } from './step-execution.js';
import { makeTaskView, type AnnotationSink } from './handler-views.js';
import { toStepError } from './error-capture.js';
import { recordOneByOne } from './rejected-outcomes.js';
import { RetryWakeups } from './retry-wakeups.js';
import { DeferredPlanner, released, type PlanningHost } from './deferred-planner.js';
import type { EngineMetricsSink } from './metrics-sink.js';
import type { TaskTracing } from './task-tracing.js';

export interface DispatcherOptions {
  workerId: string;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  namespaces: string[] | null;
  /** The template keys this process can run (what it claims); null claims anything. Read at every claim. */
  templates: () => string[] | null;
  /** Step spans; asked once per claimed batch whether any SDK is registered. */
  tracing: TaskTracing;
}

interface InFlight {
  claimed: ClaimedStep;
  abort: StepAbortHandle;
  /** The attempt's logger, made on first use. */
  log: AttemptLog;
  /** The step's template, resolved once at claim time (or why it could not be). */
  resolved: { compiled: CompiledTemplate; step: CompiledStep } | { error: unknown };
  /** The attempt's `tasker.step` span, when tracing is on. */
  span?: Span | undefined;
}

const MAX_BATCH = 500;
const MAX_BACKOFF_MS = 5_000;

export class Dispatcher {
  private readonly inflight = new Map<number, InFlight>();
  private outcomes: PendingOutcome[] = [];
  private driving = false;
  private kick = false;
  private wantClaim = true;
  private accepting = false;
  private stopped = true;
  private failures = 0;
  private backoffTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly retries = new RetryWakeups(() => this.wake());
  private readonly planner: DeferredPlanner;
  private readonly inputs: StepInputLoader;
  private readonly effects: OutcomeEffects;
  private idleResolvers: Array<() => void> = [];
  private drainResolvers: Array<() => void> = [];
  private driveScheduled = false;
  /** Where claims and completion batches are reported (`Tasker.instrument`); null: nowhere. */
  metrics: EngineMetricsSink | null = null;

  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    private readonly publisher: LifecyclePublisher,
    finalizer: TaskFinalizer,
    private readonly annotate: AnnotationSink,
    private readonly logger: Logger,
    readonly options: DispatcherOptions,
  ) {
    this.inputs = new StepInputLoader(store);
    this.effects = new OutcomeEffects(publisher, finalizer, this.inputs, (at) => this.wakeAt(at), options.tracing);
    this.planner = new DeferredPlanner(store, catalog, this.inputs, publisher, finalizer, logger, options.workerId);
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /**
   * Steps this process still holds: running here, or finished with an outcome not yet recorded (the store may be
   * refusing writes for a while). Their leases must be kept alive until the outcome lands.
   */
  heldStepIds(): number[] {
    const ids = [...this.inflight.keys()];
    for (const o of this.outcomes) ids.push(o.claimed.step_id);
    return ids;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.retries.start();
    this.accepting = this.options.concurrency > 0;
    if (this.accepting) {
      this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
      this.pollTimer.unref();
    }
    this.wake();
  }

  /** There may be new ready steps, or outcomes to record. */
  wake(): void {
    this.wantClaim = true;
    void this.drive();
  }

  /** Drop cached inputs of a finished task. */
  forgetTask(taskId: number): void {
    this.inputs.forget(taskId);
    this.options.tracing.forget(taskId);
  }

  /** Wake when a retry comes due (every one known here gets its wake-up). */
  wakeAt(at: number): void {
    if (this.stopped) return;
    this.retries.add(at);
  }

  /** Abort in-flight handlers of these steps (task cancelled, or lease lost: each such step is logged). */
  abortSteps(stepIds: readonly number[], cause: 'cancelled' | 'lease_lost'): void {
    for (const id of stepIds) {
      const f = this.inflight.get(id);
      if (cause === 'lease_lost') {
        const log = f?.log ?? this.outcomes.find((o) => o.claimed.step_id === id)?.log;
        if (log)
          log.logger.warn('lost the lease of this step; aborting the attempt (its outcome will not be recorded)');
        else this.logger.warn({ workflow_step_id: id }, 'lost the lease of a step this worker no longer holds');
      }
      if (f && !f.abort.aborted) {
        f.abort.abort(new StepAbort(cause, cause === 'cancelled' ? 'task cancelled' : 'lease lost'));
      }
    }
  }

  /** Drain: stop claiming, let in-flight steps finish for up to `drainTimeoutMs`, release the rest, flush. */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.stopped) return;
    this.accepting = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.retries.stop();
    const deadline = Date.now() + drainTimeoutMs;
    while (this.inflight.size && Date.now() < deadline) {
      await Promise.race([this.noneInFlight(), sleep(Math.min(200, deadline - Date.now()))]);
    }
    for (const f of this.inflight.values()) {
      if (!f.abort.aborted) f.abort.abort(new StepAbort('shutdown', 'worker is stopping'));
    }
    await this.noneInFlight();
    // Flush what is left; give up (leases will expire) if the store stays down past the deadline.
    const flushDeadline = Date.now() + Math.max(2_000, drainTimeoutMs);
    while ((this.outcomes.length || this.driving) && Date.now() < flushDeadline) {
      await this.drive();
      if (this.outcomes.length || this.driving) await sleep(50);
    }
    this.stopped = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }

  /** Resolves once no step is in flight (each in-flight step settles into an outcome or a drop). */
  private noneInFlight(): Promise<void> {
    if (!this.inflight.size) return Promise.resolve();
    return new Promise((resolve) => this.drainResolvers.push(resolve));
  }

  /** Resolves when nothing is in flight and no outcome is waiting (tests and `run`). */
  idle(): Promise<void> {
    if (!this.inflight.size && !this.outcomes.length && !this.driving) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  private free(): number {
    return this.accepting ? this.options.concurrency - this.inflight.size : 0;
  }

  private async drive(): Promise<void> {
    if (this.driving) {
      this.kick = true;
      return;
    }
    if (this.backoffTimer) return; // a retry after a store failure is already scheduled
    this.driving = true;
    try {
      do {
        this.kick = false;
        await this.driveOnce();
      } while (this.kick && !this.backoffTimer);
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 6));
      const transient = this.store.isTransient(err);
      this.logger[transient ? 'warn' : 'error'](
        { err, retryInMs: delay, failures: this.failures },
        'store operation failed; will retry',
      );
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = null;
        this.wake();
      }, delay);
      this.backoffTimer.unref();
    } finally {
      this.driving = false;
      if (!this.inflight.size && !this.outcomes.length) {
        const resolvers = this.idleResolvers;
        this.idleResolvers = [];
        for (const r of resolvers) r();
      }
    }
  }

  private async driveOnce(): Promise<void> {
    for (;;) {
      if (this.outcomes.length) {
        const batch = this.outcomes.slice(0, MAX_BATCH);
        // Always offer to claim with a completion: the steps it readies are the likeliest work, and claiming them in
        // the same transaction saves a round trip (an empty claim on the ready index is nearly free).
        const free = this.free();
        const claim =
          free > 0
            ? {
                limit: free,
                leaseMs: this.options.leaseMs,
                namespaces: this.options.namespaces,
                templates: this.options.templates(),
              }
            : undefined;
        let res: CompletionResult;
        const metrics = this.metrics;
        const began = metrics ? performance.now() : 0;
        try {
          res = await this.store.completeSteps(
            batch.map((b) => b.exec.outcome),
            // Results were checked for JSON fidelity in executeStep: the store need not walk them again.
            claim
              ? { workerId: this.options.workerId, resultsChecked: true, claim }
              : { workerId: this.options.workerId, resultsChecked: true },
          );
        } catch (err) {
          if (this.store.isTransient(err)) throw err; // keep the batch; drive() retries it after a pause
          await this.isolateRejected(batch, err);
          continue;
        }
        this.outcomes.splice(0, batch.length); // only once recorded: a failed call keeps the batch for the retry
        if (metrics) {
          metrics.completionBatch(batch.length, (performance.now() - began) / 1000);
          if (res.claimed.length) metrics.stepsClaimed(res.claimed);
        }
        this.effects.apply(batch, res);
        if (claim) {
          if (res.claimed.length < claim.limit) this.wantClaim = false;
          if (res.claimed.length) this.launch(res.claimed);
        } else if (res.readyCount > 0) {
          this.wantClaim = true;
        }
        continue;
      }
      const free = this.free();
      if (free > 0 && this.wantClaim) {
        const claimed = await this.store.claimSteps({
          workerId: this.options.workerId,
          limit: free,
          leaseMs: this.options.leaseMs,
          namespaces: this.options.namespaces,
          templates: this.options.templates(),
        });
        if (claimed.length < free) this.wantClaim = false;
        if (claimed.length) {
          this.metrics?.stepsClaimed(claimed);
          this.launch(claimed);
          continue;
        }
      }
      return;
    }
  }

  private async isolateRejected(batch: PendingOutcome[], batchError: unknown): Promise<void> {
    await recordOneByOne(this.store, this.options.workerId, batch, batchError, this.effects, this.logger, (item) => {
      const at = this.outcomes.indexOf(item);
      if (at >= 0) this.outcomes.splice(at, 1);
    });
  }

  private launch(all: ClaimedStep[]): void {
    // Steps of tasks still waiting for their planning hook do not run: the planner plans each task and hands them back.
    const claimed = all.some((c) => c.needs_plan) ? this.planner.takeUnplanned(all, this.planningHost) : all;
    if (claimed.length === 0) return;
    const ancestors = new Map<number, readonly string[] | null>();
    const entries = claimed.map((c) => {
      const f: InFlight = {
        claimed: c,
        abort: new StepAbortHandle(),
        log: new AttemptLog(this.logger, c),
        resolved: this.resolve(c),
      };
      this.inflight.set(c.step_id, f);
      ancestors.set(c.step_id, 'step' in f.resolved ? f.resolved.step.ancestors : null);
      return f;
    });
    const ancestorsOf = (c: ClaimedStep) => ancestors.get(c.step_id) ?? null;
    // Everything cached (contexts, upstream results completed here): run at once, no store round trip.
    const cached = this.inputs.cached(claimed, ancestorsOf);
    if (cached) {
      this.begin(entries, cached);
      for (const f of entries) void this.runOne(f, cached.get(f.claimed.step_id));
      return;
    }
    void this.runBatch(entries, ancestorsOf);
  }

  /** The attempts start: their step spans (tracing on; parented by their tasks' stored contexts) and events. */
  private begin(entries: InFlight[], inputs: Map<number, StepInputs> | null): void {
    const traced = inputs !== null && this.options.tracing.active();
    for (const f of entries) {
      const c = f.claimed;
      if (traced) {
        const input = inputs.get(c.step_id);
        if (input) f.span = this.options.tracing.startStep(c, input.task.trace_context);
        if (f.span) f.log.trace = spanLogFields(f.span);
      }
      this.publisher.claimed(c, f.span);
    }
  }

  private resolve(c: ClaimedStep): InFlight['resolved'] {
    try {
      const compiled = this.catalog.forTask(c.task.namespace, c.task.name, c.task.version);
      const step = compiled.steps.get(c.name);
      if (!step) throw new Error(`template ${compiled.key} has no step '${c.name}'`);
      return { compiled, step };
    } catch (error) {
      return { error };
    }
  }

  private async runBatch(
    entries: InFlight[],
    ancestorsOf: (c: ClaimedStep) => readonly string[] | null,
  ): Promise<void> {
    const batch = entries.map((f) => f.claimed);
    let inputs;
    try {
      inputs = await this.inputs.load(batch, ancestorsOf);
    } catch (err) {
      this.begin(entries, null);
      this.logger.warn(
        { err, workflow_step_ids: batch.map((c) => c.step_id) },
        'could not load step inputs; releasing the claimed steps',
      );
      for (const f of entries) this.finish(f, released(f.claimed));
      return;
    }
    this.begin(entries, inputs);
    for (const f of entries) void this.runOne(f, inputs.get(f.claimed.step_id));
  }

  private async runOne(f: InFlight, input: StepInputs | undefined): Promise<void> {
    const c = f.claimed;
    let exec: Execution;
    try {
      if ('error' in f.resolved) {
        if (isMissingTemplate(f.resolved.error)) {
          // Claimed before this worker's capabilities reached the claim (or by an older release): hand it back
          // uncounted for a worker that has the template.
          f.log.logger.warn({ err: f.resolved.error }, 'releasing a step this worker cannot run');
          this.finish(f, released(c));
          return;
        }
        throw f.resolved.error;
      }
      if (!input) throw new Error(`task ${c.task.task_id} of step ${c.step_id} could not be read`);
      const { compiled, step } = f.resolved;
      const task = makeTaskView(c.task, this.annotate, input.task);
      const r: RunnableStep = {
        claimed: c,
        compiled,
        step,
        task,
        ancestors: input.ancestors,
        abort: f.abort,
        log: f.log,
        publish: this.publisher.stepPublish(c, f.span),
        span: f.span,
      };
      // With tracing on, the handler runs inside its step span's context (its own spans are children of it).
      const span = f.span;
      exec = await (span
        ? this.options.tracing.runIn(span, () => executeStep(this.catalog, r))
        : executeStep(this.catalog, r));
    } catch (err) {
      const error = toStepError(err);
      exec = {
        kind: 'outcome',
        outcome: { type: 'failed', step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt, error },
        error,
        durationMs: 0,
      };
    }
    this.finish(f, exec);
  }

  /** How the planner holds claimed steps of unplanned tasks while it plans them, and lets go of them. */
  private readonly planningHost: PlanningHost = {
    hold: (c) => {
      const log = new AttemptLog(this.logger, c);
      this.inflight.set(c.step_id, { claimed: c, abort: new StepAbortHandle(), log, resolved: { error: null } });
    },
    handedBack: (c) => {
      const f = this.inflight.get(c.step_id);
      if (f) this.leave(f);
      this.wantClaim = true;
      this.scheduleDrive();
    },
    finished: (c, exec) => {
      const f = this.inflight.get(c.step_id);
      if (f) this.finish(f, exec);
    },
  };

  private leave(f: InFlight): void {
    this.inflight.delete(f.claimed.step_id);
    if (!this.inflight.size && this.drainResolvers.length) {
      const resolvers = this.drainResolvers;
      this.drainResolvers = [];
      for (const r of resolvers) r();
    }
  }

  private finish(f: InFlight, exec: Execution): void {
    this.leave(f);
    if (exec.kind === 'dropped') {
      if (exec.cause === 'cancelled') {
        this.publisher.step(
          'step.cancelled',
          f.claimed.task,
          { step_id: f.claimed.step_id, name: f.claimed.name, attempt: f.claimed.attempt },
          { duration: Math.round(exec.durationMs) },
          null,
          f.span,
        );
      } else {
        f.log.logger.warn({ cause: exec.cause }, 'step result discarded');
      }
      if (f.span) this.options.tracing.endStep(f.span, exec);
      this.wantClaim = true;
      this.scheduleDrive();
      return;
    }
    this.outcomes.push({ claimed: f.claimed, exec, log: f.log, span: f.span });
    this.scheduleDrive();
  }

  /**
   * Coalesce completions that finish in the same turn of the event loop into one batch. When nothing else is in
   * flight no other outcome can join the batch, so it is recorded without waiting for the next turn.
   */
  private scheduleDrive(): void {
    if (this.driveScheduled) return;
    this.driveScheduled = true;
    if (this.inflight.size === 0) queueMicrotask(this.runScheduledDrive);
    else setImmediate(this.runScheduledDrive);
  }

  private readonly runScheduledDrive = (): void => {
    this.driveScheduled = false;
    void this.drive();
  };
}

export type { StepOutcome };

function isMissingTemplate(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'template_missing';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
