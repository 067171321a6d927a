// When the store refuses a batch of outcomes for a reason that will not go away (e.g. results PostgreSQL cannot
// store): record them one by one, so one bad outcome cannot hold up the others.
import { DEFAULT_RETRY_POLICY } from '../definition/model.js';
import type { StepError, StepOutcome, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { backoffDelay } from './backoff.js';
import type { OutcomeEffects, PendingOutcome } from './outcome-effects.js';

/**
 * An outcome refused on its own fails its attempt, naming the store's reason: retried (with the default backoff)
 * while attempts remain, since the handler may return something storable next time; failed for good after the last.
 * If even that is refused, it is dropped and the lease sweep retries the step later. `settled(item)` runs once each
 * item is done with; a transient store error is rethrown (the caller keeps the rest and retries).
 */
export async function recordOneByOne(
  store: Store,
  workerId: string,
  batch: PendingOutcome[],
  batchError: unknown,
  effects: OutcomeEffects,
  logger: Logger,
  settled: (item: PendingOutcome) => void,
): Promise<void> {
  logger.error(
    { err: batchError, outcomes: batch.length },
    'the store refused a batch of outcomes; recording them one by one',
  );
  for (const item of batch) {
    let attempt: PendingOutcome = item;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const res = await store.completeSteps([attempt.exec.outcome], { workerId, resultsChecked: true });
        effects.apply([attempt], res);
        break;
      } catch (err) {
        if (store.isTransient(err)) throw err;
        if (tries === 1 || attempt.exec.outcome.type === 'failed') {
          logger.error(
            { err, step_id: item.claimed.step_id },
            'the store refused this outcome; the step will be retried when its lease expires',
          );
          break;
        }
        const error: StepError = {
          message: `the store refused this step's outcome: ${(err as Error).message}`,
          class: 'StoreRejectedError',
          code: 'outcome_rejected',
          stack: null,
        };
        const exec = { ...attempt.exec, outcome: refusedOutcome(item, error), error };
        attempt = { claimed: item.claimed, exec, span: item.span };
      }
    }
    settled(item);
  }
}

function refusedOutcome(item: PendingOutcome, error: StepError): StepOutcome {
  const c = item.claimed;
  const base = { step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
  if (c.retryable && c.attempt < c.retry_limit) {
    return { type: 'retry', ...base, error, delayMs: backoffDelay(DEFAULT_RETRY_POLICY, c.attempt) };
  }
  return { type: 'failed', ...base, error };
}
