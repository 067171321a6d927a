// What follows a recorded batch of outcomes, in the process that recorded it: lifecycle events for each applied
// outcome, a warn/error log line for each failed attempt (whatever the log level, failures are never silent), results
// kept for descendants running here, a wake-up for each retry, and finalised tasks handed on.
import type { Span } from '@opentelemetry/api';
import type { ClaimedStep, CompletionResult, StepError, StepOutcome } from '../core/store-contract.js';
import type { StepEventPayload } from './events.js';
import type { Execution } from './step-execution.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { StepInputLoader } from './step-inputs.js';
import type { AttemptLog } from '../telemetry/log-fields.js';
import type { TaskTracing } from './task-tracing.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';

const isInstance = (name: string) => parseMapInstanceName(name) !== null;

/** A step's finished attempt waiting to be recorded. */
export interface PendingOutcome {
  claimed: ClaimedStep;
  exec: Extract<Execution, { kind: 'outcome' }>;
  /** The attempt's logger (its handler may have used it already): failure lines are written with it. */
  log: AttemptLog;
  /** The attempt's `tasker.step` span (tracing on), ended here once the outcome is recorded. */
  span?: Span | undefined;
  /**
   * Recording it may make a step claimable (any outcome but a completion; a completion of a step whose
   * `mayReadyOthers` holds): the dispatcher then asks its completion batch to claim as well.
   */
  mayReady: boolean;
}

export class OutcomeEffects {
  constructor(
    private readonly publisher: LifecyclePublisher,
    private readonly finalizer: TaskFinalizer,
    private readonly inputs: StepInputLoader,
    private readonly wakeAt: (at: number) => void,
    private readonly tracing: TaskTracing,
  ) {}

  apply(batch: PendingOutcome[], res: CompletionResult): void {
    const stale = res.stale.length ? new Set(res.stale) : null;
    for (const pending of batch) {
      const { claimed, exec, span } = pending;
      if (stale?.has(claimed.step_id)) {
        if (span) this.tracing.endStep(span, exec, true);
        continue;
      }
      const o = exec.outcome;
      const ref = { step_id: claimed.step_id, name: claimed.name, attempt: claimed.attempt };
      const duration = Math.round(exec.durationMs);
      if (o.type === 'completed') {
        // A map instance's results are read only by its mapped step's gather (from the store), never by name.
        if (!isInstance(claimed.name))
          this.inputs.rememberResult(claimed.task.task_id, claimed.task.run, {
            workflow_step_id: claimed.step_id,
            name: claimed.name,
            current_state: 'completed',
            results: o.results,
            attempts: claimed.attempt,
            error: null,
            started_at: claimed.started_at,
            completed_at: claimed.started_at + duration,
            duration,
          });
        this.publisher.step('step.completed', claimed.task, ref, { duration }, null, span);
      } else if (o.type === 'failed') {
        pending.log.logger.error(errorFields(claimed, o.error), 'step failed for good');
        this.publisher.step('step.failed', claimed.task, ref, { duration }, o.error, span);
      } else if (o.type === 'retry') {
        const at = Date.now() + o.delayMs;
        this.wakeAt(at);
        pending.log.logger.warn(
          { ...errorFields(claimed, o.error), retry_in_ms: o.delayMs },
          'step attempt failed; it will be retried',
        );
        this.publisher.step(
          'step.attempt_failed',
          claimed.task,
          ref,
          { duration, delay_ms: o.delayMs, next_attempt_at: new Date(at).toISOString() },
          o.error,
          span,
        );
      } else if (o.type === 'rate_limited') {
        // Not a failure: the step waits for `rate_limit` and runs again after retryAfter, its attempt not spent.
        this.wakeAt(Date.now() + o.retryAfterMs);
        pending.log.logger.info({ retry_in_ms: o.retryAfterMs }, 'step rate-limited by its handler; it will run again');
      } else if (o.type === 'park') {
        // A step with no handler waits (a signal, a timer, a child task): no lease, no slot, until due or woken.
        if (o.untilMs !== null) this.wakeAt(o.untilMs);
        pending.log.logger.debug({ wait: o.wait, until: o.untilMs }, 'step waits');
        this.publisher.step('step.waiting', claimed.task, ref, waitingFields(o), null, span);
      } else if (o.type === 'expand') {
        // A mapped step waits for its instances, holding no lease and no slot (map-steps.ts).
        pending.log.logger.debug({ instances: o.count, max_parallel: o.max_parallel }, 'step mapped');
        const reason = `waiting for its ${o.count} map instance${o.count === 1 ? '' : 's'}`;
        this.publisher.step('step.waiting', claimed.task, ref, { wait: 'map', reason }, null, span);
      } else if (o.type === 'skipped') {
        this.publisher.step('step.skipped', claimed.task, ref, { reason: o.reason }, null, span);
      }
      if (span) this.tracing.endStep(span, exec);
    }
    if (res.skipped.length) {
      const traced = batch.some((b) => b.span !== undefined);
      const identities = new Map(batch.map((b) => [b.claimed.task.task_id, b.claimed.task]));
      // Steps that skipped themselves (their outcome): published above, with their own reason and span.
      const ownSkips = batch.some((b) => b.exec.outcome.type === 'skipped')
        ? new Set(batch.filter((b) => b.exec.outcome.type === 'skipped').map((b) => b.claimed.step_id))
        : null;
      for (const s of res.skipped) {
        const task = identities.get(s.task_id);
        if (!task || ownSkips?.has(s.step_id)) continue;
        const span = traced ? this.tracing.markStep(task, s, 'skipped', 'routed away') : undefined;
        this.publisher.step(
          'step.skipped',
          task,
          { step_id: s.step_id, name: s.name, attempt: 0 },
          { reason: 'routed away' },
          null,
          span,
        );
      }
    }
    if (res.finalized.length) this.finalizer.handle(res.finalized);
  }
}

/** A parked step's `step.waiting` fields: what it waits for, said for a person, and until when. */
function waitingFields(o: Extract<StepOutcome, { type: 'park' }>): Partial<StepEventPayload> {
  const reason =
    o.wait === 'signal'
      ? `waiting for signal '${o.signal ?? '?'}'`
      : o.wait === 'subtask'
        ? `waiting for task ${o.watch ?? '?'}`
        : o.wait === 'timer'
          ? 'waiting for its timer'
          : `waiting for ${o.wait}`;
  const fields: Partial<StepEventPayload> = { wait: o.wait, reason };
  if (o.untilMs !== null) fields.wait_until = new Date(o.untilMs).toISOString();
  return fields;
}

/** What a failure line adds to the attempt's fields (task, step, attempt): the attempts allowed, and the error. */
function errorFields(c: ClaimedStep, error: StepError) {
  return {
    retry_limit: c.retry_limit,
    error_class: error.class,
    error_code: error.code ?? null,
    error_message: error.message,
  };
}
