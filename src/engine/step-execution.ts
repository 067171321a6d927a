// Runs one attempt of one claimed step: builds the handler's views, enforces its timeout (step-timeout.ts) through
// `step.signal`, and turns the result or the thrown error into a StepOutcome (completed, retry with backoff, or
// failed).
import type { ClaimedStep, StepError, StepOutcome } from '../core/store-contract.js';
import type { StepSnapshot, TaskView } from '../core/handler-api.js';
import { isRoutingDecision } from '../core/handler-api.js';
import type { CompiledStep, CompiledTemplate, WorkflowCatalog } from './workflow-catalog.js';
import {
  MAX_RATE_LIMITED_MS,
  RetryableError,
  StepTimeoutError,
  taskerErrorKind,
  type RetryableErrorOptions,
} from '../core/errors.js';
import { toStepError } from './error-capture.js';
import { backoffDelay, retryAfterDelay } from './backoff.js';
import { pruneForRoute } from './routing.js';
import { unstorableAt } from './storable-results.js';
import { describeTimeout, effectiveStepTimeout, type StepTimeout } from './step-timeout.js';
import { makeSequenceView } from './handler-views.js';
import { StepAbort, type AbortCause, type StepAbortHandle } from './step-abort.js';
import type { AttemptLog } from '../telemetry/log-fields.js';
import type { Span } from '@opentelemetry/api';
import { AttemptStepView } from './step-view.js';

export { StepAbort, StepAbortHandle, type AbortCause } from './step-abort.js';

export interface RunnableStep {
  claimed: ClaimedStep;
  compiled: CompiledTemplate;
  step: CompiledStep;
  task: TaskView;
  ancestors: StepSnapshot[];
  abort: StepAbortHandle;
  /** The attempt's logger (`step.logger`), made on first use. */
  log: AttemptLog;
  publish: (eventName: string, payload?: Record<string, unknown>) => void;
  /** The attempt's `tasker.step` span (tracing on). */
  span?: Span | undefined;
}

export type Execution =
  | { kind: 'outcome'; outcome: StepOutcome; error: StepError | null; durationMs: number }
  /** Cancelled or lease lost: the store already moved the step on; report nothing. */
  | { kind: 'dropped'; cause: AbortCause; durationMs: number };

export async function executeStep(catalog: WorkflowCatalog, r: RunnableStep): Promise<Execution> {
  const { claimed } = r;
  const started = performance.now();
  const abort = r.abort;
  const timeout = effectiveStepTimeout(
    claimed.timeout_ms,
    r.compiled.template.default_step_timeout,
    catalog.stepTimeoutMs,
  );
  // Armed only for a handler that returns a promise: a synchronous one has finished when process() returns (and
  // could not have been interrupted anyway), so most cheap steps pay for no timer.
  let timer: NodeJS.Timeout | undefined;
  try {
    const handler = catalog.stepHandler(claimed.handler_class);
    const stepView = new AttemptStepView(claimed, r.step.template.handler_config, abort, r.log, r.publish, r.span);
    const sequence = makeSequenceView(r.ancestors, {
      step: claimed.name,
      template: r.compiled.key,
      allSteps: r.compiled.steps,
    });
    // A synchronous handler's value is used as is (nothing to race); a promise races the abort.
    const returned: unknown = handler.process(r.task, sequence, stepView);
    let value: unknown = returned;
    if (isThenable(returned)) {
      const left = Math.max(0, timeout.ms - (performance.now() - started));
      timer = setTimeout(() => abort.abort(new StepAbort('timeout', `step timed out after ${timeout.ms} ms`)), left);
      value = await abort.race(Promise.resolve(returned));
    }
    if (abort.aborted) throw abort.reason; // aborted before it ran: its value is not used
    let results: unknown = value === undefined ? null : value;
    let prune: string[] | undefined;
    if (isRoutingDecision(value)) {
      prune = pruneForRoute(r.compiled, claimed.name, value.next);
      results = value.results === undefined ? null : value.results;
    }
    assertStorable(results, claimed.name);
    const outcome: StepOutcome = {
      type: 'completed',
      step_id: claimed.step_id,
      task_id: claimed.task.task_id,
      attempt: claimed.attempt,
      results,
    };
    if (prune && prune.length) outcome.prune = prune;
    return { kind: 'outcome', outcome, error: null, durationMs: performance.now() - started };
  } catch (thrown) {
    const durationMs = performance.now() - started;
    const why = abort.reason;
    if (why && why.abortCause !== 'timeout') {
      if (why.abortCause === 'shutdown') {
        return {
          kind: 'outcome',
          outcome: {
            type: 'released',
            step_id: claimed.step_id,
            task_id: claimed.task.task_id,
            attempt: claimed.attempt,
          },
          error: null,
          durationMs,
        };
      }
      return { kind: 'dropped', cause: why.abortCause, durationMs };
    }
    if (!why && taskerErrorKind(thrown) === 'rate_limited') {
      // A limit the handler hit: not a failure, and the attempt is not spent (the store hands it back uncounted).
      const base = { step_id: claimed.step_id, task_id: claimed.task.task_id, attempt: claimed.attempt };
      const retryAfterMs = rateLimitedDelay((thrown as { retryAfterMs?: unknown }).retryAfterMs);
      return { kind: 'outcome', outcome: { type: 'rate_limited', ...base, retryAfterMs }, error: null, durationMs };
    }
    const err = why ? timeoutError(timeout, r) : thrown;
    return { kind: 'outcome', ...failureOutcome(r, err), durationMs };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** A RateLimitedError's delay, as another copy of the package may have set it: whole ms, 0 to 24 h (default 1 s). */
function rateLimitedDelay(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return 1_000;
  return Math.min(MAX_RATE_LIMITED_MS, Math.max(0, Math.ceil(ms)));
}

function timeoutError(timeout: StepTimeout, r: RunnableStep): StepTimeoutError {
  const step = { name: r.claimed.name, templateTimeout: r.step.template.timeout };
  return new StepTimeoutError(timeout.ms, describeTimeout(timeout, step, r.compiled.key));
}

/** Retry (with backoff or retryAfter) while attempts and retryability allow; otherwise fail for good. */
export function failureOutcome(r: RunnableStep, err: unknown): { outcome: StepOutcome; error: StepError } {
  const { claimed } = r;
  const error = toStepError(err);
  const base = { step_id: claimed.step_id, task_id: claimed.task.task_id, attempt: claimed.attempt };
  // By brand, never by class name: a user's own `PermanentError` is an ordinary error; another copy's counts.
  const kind = taskerErrorKind(err);
  const permanent = kind === 'permanent';
  if (permanent || !claimed.retryable || claimed.attempt >= claimed.retry_limit) {
    if (!permanent && claimed.retryable && claimed.attempt >= claimed.retry_limit) {
      error.message = `${error.message} (gave up after ${claimed.attempt} attempt${claimed.attempt === 1 ? '' : 's'})`;
    }
    return { outcome: { type: 'failed', ...base, error }, error };
  }
  const retryAfter = kind === 'retryable' ? (err as RetryableErrorOptions).retryAfter : undefined;
  const delayMs =
    typeof retryAfter === 'number' ? retryAfterDelay(retryAfter) : backoffDelay(r.step.retryPolicy, claimed.attempt);
  return { outcome: { type: 'retry', ...base, error, delayMs }, error };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * Results JSON would store differently (or not at all) fail the attempt as retryable: nothing is lost silently, and
 * the handler may return something storable next time.
 */
function assertStorable(value: unknown, stepName: string): void {
  const problem = unstorableAt(value);
  if (problem !== null) {
    throw new RetryableError(`step '${stepName}' returned results that cannot be stored as JSON: ${problem}`, {
      errorCode: 'results_not_storable',
    });
  }
}
