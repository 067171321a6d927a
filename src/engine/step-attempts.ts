// The attempts this process is running, each from its claim to its end: resolve the step's template, get its inputs
// (from the cache, else one store read per claimed batch), start its span and `step.claimed` event, run its handler,
// and hand what came of it to the dispatch loop (dispatcher.ts), which records outcomes in batches. Steps of tasks
// still waiting for their planning hook go to the planner first. Owns the in-flight map: what bounds concurrency,
// what lease renewals cover and what a drain waits for.
import type { Span } from '@opentelemetry/api';
import type { ClaimedStep } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { AttemptLog, spanLogFields } from '../telemetry/log-fields.js';
import type { CompiledStep, CompiledTemplate, WorkflowCatalog } from './workflow-catalog.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { StepInputLoader, StepInputs } from './step-inputs.js';
import type { PendingOutcome } from './outcome-effects.js';
import { executeStep, StepAbort, StepAbortHandle, type Execution, type RunnableStep } from './step-execution.js';
import { makeTaskView, type AnnotationSink } from './handler-views.js';
import { toStepError } from './error-capture.js';
import { released, type DeferredPlanner, type PlanningHost } from './deferred-planner.js';
import type { TaskTracing } from './task-tracing.js';
import type { DynamicSteps } from './dynamic-steps.js';
import { mapInstanceOf } from './map-steps.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';

/** One claimed step held by this process. */
export interface InFlight {
  claimed: ClaimedStep;
  abort: StepAbortHandle;
  /** The attempt's logger, made on first use. */
  log: AttemptLog;
  /** The step's template, resolved once at claim time (or why it could not be). */
  resolved: { compiled: CompiledTemplate; step: CompiledStep } | { error: unknown };
  /** The attempt's `tasker.step` span, when tracing is on. */
  span?: Span | undefined;
}

/** What the dispatch loop does when an attempt ends (the step has already left the in-flight map). */
export interface AttemptHost {
  /** The attempt has an outcome to record. */
  record(pending: PendingOutcome): void;
  /** The step left with nothing to record (dropped, or handed back after planning): claim again. */
  freed(): void;
}

export class StepAttempts {
  private readonly inflight = new Map<number, InFlight>();
  private drainResolvers: Array<() => void> = [];

  constructor(
    private readonly catalog: WorkflowCatalog,
    private readonly publisher: LifecyclePublisher,
    private readonly inputs: StepInputLoader,
    private readonly planner: DeferredPlanner,
    private readonly annotate: AnnotationSink,
    private readonly logger: Logger,
    private readonly tracing: TaskTracing,
    private readonly host: AttemptHost,
    private readonly dynamic: DynamicSteps,
  ) {}

  /** How many steps are held (running, being planned, or loading their inputs). */
  get size(): number {
    return this.inflight.size;
  }

  get(stepId: number): InFlight | undefined {
    return this.inflight.get(stepId);
  }

  stepIds(): IterableIterator<number> {
    return this.inflight.keys();
  }

  /** Abort every running handler (the worker is stopping); each attempt ends as dropped and is released. */
  abortAll(): void {
    for (const f of this.inflight.values()) {
      if (!f.abort.aborted) f.abort.abort(new StepAbort('shutdown', 'worker is stopping'));
    }
  }

  /** Resolves once no step is in flight (each in-flight step settles into an outcome or a drop). */
  settled(): Promise<void> {
    if (!this.inflight.size) return Promise.resolve();
    return new Promise((resolve) => this.drainResolvers.push(resolve));
  }

  /** Start attempts of freshly claimed steps. */
  launch(all: ClaimedStep[]): void {
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
    const traced = inputs !== null && this.tracing.active();
    for (const f of entries) {
      const c = f.claimed;
      if (traced) {
        const input = inputs.get(c.step_id);
        if (input) f.span = this.tracing.startStep(c, input.task.trace_context);
        if (f.span) f.log.trace = spanLogFields(f.span);
      }
      this.publisher.claimed(c, f.span);
    }
  }

  private resolve(c: ClaimedStep): InFlight['resolved'] {
    try {
      const compiled = this.catalog.forTask(c.task.namespace, c.task.name, c.task.version);
      // A map instance (`charge_line_item[3]`) runs its mapped step's template.
      const step = compiled.steps.get(parseMapInstanceName(c.name)?.step ?? c.name);
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
      if (step.template.map !== undefined && c.name !== step.template.name) r.instance = mapInstanceOf(r);
      // With tracing on, the handler runs inside its step span's context (its own spans are children of it).
      const span = f.span;
      const run = this.dynamic.handles(step.template, c.name)
        ? () => this.dynamic.run(r)
        : () => executeStep(this.catalog, r);
      exec = await (span ? this.tracing.runIn(span, run) : run());
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
      this.host.freed();
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
      if (f.span) this.tracing.endStep(f.span, exec);
      this.host.freed();
      return;
    }
    const mayReady =
      exec.outcome.type !== 'completed' || !('step' in f.resolved) || this.catalog.mayReadyOthers(f.resolved.step);
    this.host.record({ claimed: f.claimed, exec, log: f.log, span: f.span, mayReady });
  }
}

function isMissingTemplate(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'template_missing';
}
