// The dispatch loop: claims ready steps up to `concurrency`, runs their handlers, and records their outcomes in
// batches (one store transaction per batch, which can also claim the next ready steps: the in-process fast path).
//
// States of the loop (one driver at a time; `kick` re-runs it when work arrived while it was busy):
//   idle      -> driving   on wake(): a local submit, a NOTIFY, the poll timer, a retry coming due, a finished step,
//                          steps handed back after planning their task
//   driving   -> driving   while there are outcomes to record, or capacity and `wantClaim` (steps may be ready)
//   driving   -> idle      when there are no outcomes and either no capacity or the last claim came back short
//   driving   -> backoff   when the store fails; the batch is kept and retried after a growing pause
//   any       -> draining  on stop(): no more claims; in-flight steps finish or, past the drain timeout, are
//                          aborted and released (their attempt is not counted); then the loop stops.
// `wantClaim` is set by every wake-up and cleared by a claim that came back short, unless a wake-up arrived while
// that claim was in flight (its step may have committed after the claim looked). A completion batch claims too when
// `wantClaim` holds or one of its outcomes may ready a step (PendingOutcome.mayReady): a one-step task's completion
// asks for no claim when nothing is known to be waiting, which spares the database an empty claim.
// With `prefetch`, claims also fill a local queue of steps that start as slots free up (claim-queue.ts).
// Running the claimed steps (the in-flight map, inputs, spans, handlers) is step-attempts.ts, and writing their
// outcomes in batches is outcome-batches.ts; this file decides when to claim and when to record.
import type { Store, StepOutcome } from '../core/store-contract.js';
import { AttemptLog } from '../telemetry/log-fields.js';
import type { Logger } from '../telemetry/logger.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import { StepInputLoader } from './step-inputs.js';
import { OutcomeEffects } from './outcome-effects.js';
import { StepAbort } from './step-execution.js';
import type { AnnotationSink } from './handler-views.js';
import { OutcomeBatches } from './outcome-batches.js';
import { RetryWakeups } from './retry-wakeups.js';
import { DeferredPlanner, released } from './deferred-planner.js';
import { StepAttempts, type AttemptHost } from './step-attempts.js';
import { ClaimQueue } from './claim-queue.js';
import type { EngineMetricsSink } from './metrics-sink.js';
import type { TaskTracing } from './task-tracing.js';
import type { DynamicSteps } from './dynamic-steps.js';

export interface DispatcherOptions {
  workerId: string;
  concurrency: number;
  /** Steps claimed beyond the free slots, held in the local queue until a slot frees up (0: none). */
  prefetch: number;
  leaseMs: number;
  pollIntervalMs: number;
  namespaces: string[] | null;
  /** The template keys this process can run (what it claims); null claims anything. Read at every claim. */
  templates: () => string[] | null;
  /** Whether a template this process can run has rate-limited steps (its claims then run the rate claim too). */
  rateLimited: () => boolean;
  /** Step spans; asked once per claimed batch whether any SDK is registered. */
  tracing: TaskTracing;
  /** The steps the engine runs itself (durable waits, sub-workflows). */
  dynamic: DynamicSteps;
}

const MAX_BACKOFF_MS = 5_000;

export class Dispatcher {
  /** Outcomes handed back and not recorded yet. */
  private readonly outcomes: OutcomeBatches;
  /** Claimed ahead (`prefetch`), not started yet. */
  private readonly queued: ClaimQueue;
  private driving = false;
  private kick = false;
  private wantClaim = true;
  /** Wake-ups so far: a short claim clears `wantClaim` only if none arrived while it was in flight. */
  private wakes = 0;
  private accepting = false;
  private stopped = true;
  private failures = 0;
  private backoffTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly retries = new RetryWakeups(() => this.wake());
  private readonly inputs: StepInputLoader;
  private readonly attempts: StepAttempts;
  private idleResolvers: Array<() => void> = [];
  private driveScheduled = false;
  /** A read of the next due time after a short rate claim is in flight (wakeForTokens). */
  private tokenCheck = false;
  /** Where claims and completion batches are reported (`Tasker.instrument`); null: nowhere. */
  metrics: EngineMetricsSink | null = null;

  constructor(
    private readonly store: Store,
    catalog: WorkflowCatalog,
    publisher: LifecyclePublisher,
    finalizer: TaskFinalizer,
    annotate: AnnotationSink,
    private readonly logger: Logger,
    readonly options: DispatcherOptions,
  ) {
    this.inputs = new StepInputLoader(store);
    const effects = new OutcomeEffects(publisher, finalizer, this.inputs, (at) => this.wakeAt(at), options.tracing);
    this.outcomes = new OutcomeBatches(store, options.workerId, effects, logger);
    const planner = new DeferredPlanner(store, catalog, this.inputs, publisher, finalizer, logger, options.workerId);
    this.attempts = new StepAttempts(
      catalog,
      publisher,
      this.inputs,
      planner,
      annotate,
      logger,
      options.tracing,
      this.attemptHost,
      options.dynamic,
    );
    this.queued = new ClaimQueue(
      options.prefetch,
      () => (this.accepting ? options.concurrency - this.attempts.size : 0),
      (claimed) => this.attempts.launch(claimed),
    );
  }

  get inflightCount(): number {
    return this.attempts.size;
  }

  /**
   * Steps this process still holds: running here, or finished with an outcome not yet recorded (the store may be
   * refusing writes for a while). Their leases must be kept alive until the outcome lands.
   */
  heldStepIds(): number[] {
    return [...this.attempts.stepIds(), ...this.outcomes.stepIds(), ...this.queued.stepIds()];
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
    this.wakes++;
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
    // Queued steps never started: a cancelled one needs no outcome, and a lost lease belongs to another worker.
    const dropped = this.queued.drop(stepIds);
    if (dropped && cause === 'lease_lost') this.logger.warn({ steps: dropped }, 'lost the lease of queued steps');
    for (const id of stepIds) {
      const f = this.attempts.get(id);
      if (cause === 'lease_lost') {
        const log = f?.log ?? this.outcomes.logOf(id);
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
    // Claimed ahead and never started: hand them back (their attempt is not counted).
    for (const c of this.queued.takeAll()) {
      this.outcomes.push({ claimed: c, exec: released(c), log: new AttemptLog(this.logger, c), mayReady: true });
    }
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.retries.stop();
    const deadline = Date.now() + drainTimeoutMs;
    while (this.attempts.size && Date.now() < deadline) {
      await Promise.race([this.attempts.settled(), sleep(Math.min(200, deadline - Date.now()))]);
    }
    this.attempts.abortAll();
    await this.attempts.settled();
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

  /** Resolves when nothing is in flight and no outcome is waiting (tests and `run`). */
  idle(): Promise<void> {
    if (!this.attempts.size && !this.outcomes.length && !this.queued.length && !this.driving) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  /** How many steps a claim may take now: the free slots, plus the room left in the local queue. */
  private free(): number {
    if (!this.accepting) return 0;
    return this.options.concurrency + this.options.prefetch - this.attempts.size - this.queued.length;
  }

  /** A claim of up to `limit` steps this process can run. */
  private claimOf(limit: number) {
    const o = this.options;
    return {
      limit,
      leaseMs: o.leaseMs,
      namespaces: o.namespaces,
      templates: o.templates(),
      rateLimited: o.rateLimited(),
    };
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
      if (!this.attempts.size && !this.outcomes.length && !this.queued.length) {
        const resolvers = this.idleResolvers;
        this.idleResolvers = [];
        for (const r of resolvers) r();
      }
    }
  }

  private async driveOnce(): Promise<void> {
    for (;;) {
      this.queued.fill();
      if (this.outcomes.length) {
        // Claim with a completion when steps may be waiting or its outcomes may ready some: the steps it readies are
        // the likeliest work, and claiming them in the same transaction saves a round trip.
        const free = this.free();
        const claim = free > 0 && (this.wantClaim || this.outcomes.mayReady()) ? this.claimOf(free) : undefined;
        const wakes = this.wakes;
        // A transient store error propagates with the batch kept: drive() retries it after a pause.
        const res = await this.outcomes.recordNext(claim, this.metrics);
        if (!res) continue; // refused, then recorded one by one
        if (claim) {
          if (res.claimed.length < claim.limit) this.claimedShort(claim, wakes);
          if (res.claimed.length) this.queued.offer(res.claimed);
        } else if (res.readyCount > 0) {
          this.wantClaim = true;
        }
        continue;
      }
      const free = this.free();
      if (free > 0 && this.wantClaim) {
        const claim = this.claimOf(free);
        const wakes = this.wakes;
        const claimed = await this.store.claimSteps({ workerId: this.options.workerId, ...claim });
        if (claimed.length < free) this.claimedShort(claim, wakes);
        if (claimed.length) {
          this.metrics?.stepsClaimed(claimed);
          this.queued.offer(claimed);
          continue;
        }
      }
      return;
    }
  }

  /** A claim came back short: nothing more is ready, unless a wake-up came since it was sent (`wakes` then). */
  private claimedShort(claim: { rateLimited: boolean }, wakes: number): void {
    if (this.wakes === wakes) this.wantClaim = false;
    if (claim.rateLimited) this.wakeForTokens();
  }

  /**
   * A short claim that served rate-limited steps may have put some back to wait for a token (ready_at pushed to when
   * their bucket should have one): wake when the next of them comes due (one read; one at a time).
   */
  private wakeForTokens(): void {
    if (this.tokenCheck) return;
    this.tokenCheck = true;
    this.store
      .nextRetryAt()
      .then((at) => {
        if (at !== null) this.wakeAt(at);
      })
      .catch(() => undefined) // the poll timer wakes the loop anyway
      .finally(() => {
        this.tokenCheck = false;
      });
  }

  /** Where attempts hand back what came of them: an outcome to record, or a free slot. */
  private readonly attemptHost: AttemptHost = {
    // A freed slot takes the next queued step at once (in a microtask: no recursion through synchronous handlers), so
    // queued steps keep running while a completion batch is being written.
    record: (pending) => {
      this.outcomes.push(pending);
      if (this.queued.length) queueMicrotask(this.queued.fill);
      this.scheduleDrive();
    },
    freed: () => {
      this.wantClaim = true;
      this.wakes++;
      if (this.queued.length) queueMicrotask(this.queued.fill);
      this.scheduleDrive();
    },
  };

  /**
   * Coalesce completions that finish in the same turn of the event loop into one batch. When nothing else is in
   * flight no other outcome can join the batch, so it is recorded without waiting for the next turn.
   */
  private scheduleDrive(): void {
    if (this.driveScheduled) return;
    this.driveScheduled = true;
    if (this.attempts.size === 0) queueMicrotask(this.runScheduledDrive);
    else setImmediate(this.runScheduledDrive);
  }

  private readonly runScheduledDrive = (): void => {
    this.driveScheduled = false;
    void this.drive();
  };
}

export type { StepOutcome };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
