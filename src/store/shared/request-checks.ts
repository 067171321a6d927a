// Argument checks for hot-path calls, so a caller bug fails with a message naming the bad field.
import { InvalidRequestError } from '../../core/errors.js';
import { WAIT_KINDS, type ClaimRequest, type StepOutcome } from '../../core/store-contract.js';

const OUTCOME_TYPES = new Set(['completed', 'retry', 'failed', 'released', 'rate_limited', 'park']);
const WAITS: ReadonlySet<string> = new Set(WAIT_KINDS);

export function assertClaimRequest(req: Omit<ClaimRequest, 'workerId'> & { workerId?: string }, where: string): void {
  if (req.workerId !== undefined && (typeof req.workerId !== 'string' || req.workerId === '')) {
    throw new InvalidRequestError(`${where}: workerId must be a non-empty string`);
  }
  if (!Number.isInteger(req.limit) || req.limit < 0) {
    throw new InvalidRequestError(`${where}: limit must be an integer >= 0, got ${req.limit}`);
  }
  assertLeaseMs(req.leaseMs, where);
  if (req.namespaces != null && (!Array.isArray(req.namespaces) || req.namespaces.some((n) => typeof n !== 'string'))) {
    throw new InvalidRequestError(`${where}: namespaces must be an array of strings or null`);
  }
}

export function assertLeaseMs(leaseMs: number, where: string): void {
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new InvalidRequestError(`${where}: leaseMs must be a positive number of milliseconds, got ${leaseMs}`);
  }
}

export function assertWorkerId(workerId: string, where: string): void {
  if (typeof workerId !== 'string' || workerId === '') {
    throw new InvalidRequestError(`${where}: workerId must be a non-empty string`);
  }
}

export function assertOutcome(outcome: StepOutcome, index: number): void {
  const at = `completeSteps: outcome #${index + 1}`;
  if (!outcome || !OUTCOME_TYPES.has(outcome.type)) {
    throw new InvalidRequestError(`${at}: type must be completed, retry, failed, released, rate_limited or park`);
  }
  if (!Number.isInteger(outcome.step_id) || !Number.isInteger(outcome.task_id) || !Number.isInteger(outcome.attempt)) {
    throw new InvalidRequestError(`${at}: step_id, task_id and attempt must be integers`);
  }
  if (outcome.type === 'retry' && !(Number.isFinite(outcome.delayMs) && outcome.delayMs >= 0)) {
    throw new InvalidRequestError(`${at}: delayMs must be a number >= 0, got ${outcome.delayMs}`);
  }
  if (
    outcome.type === 'rate_limited' &&
    !(Number.isSafeInteger(outcome.retryAfterMs) && outcome.retryAfterMs >= 0 && outcome.retryAfterMs <= 86_400_000)
  ) {
    throw new InvalidRequestError(`${at}: retryAfterMs must be a whole number of ms from 0 to 24 h`);
  }
  if (outcome.type === 'park') {
    if (!WAITS.has(outcome.wait)) throw new InvalidRequestError(`${at}: wait must be one of ${WAIT_KINDS.join(', ')}`);
    if (outcome.untilMs !== null && !Number.isSafeInteger(outcome.untilMs)) {
      throw new InvalidRequestError(`${at}: untilMs must be epoch milliseconds or null`);
    }
  }
  if (
    (outcome.type === 'retry' || outcome.type === 'failed') &&
    (!outcome.error || typeof outcome.error.message !== 'string')
  ) {
    throw new InvalidRequestError(`${at}: a ${outcome.type} outcome needs an error with a message`);
  }
  if (outcome.type === 'completed' && outcome.prune !== undefined && !Array.isArray(outcome.prune)) {
    throw new InvalidRequestError(`${at}: prune must be an array of step names`);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Operator actions and cancellations must say who acts (it goes into the history), as well-formed text. */
export function assertActor(actor: unknown, where: string): void {
  if (typeof actor !== 'string' || actor === '') {
    throw new InvalidRequestError(`${where}: actor must name who acts`);
  }
  assertWellFormed(actor, where, 'actor');
}

/** An operator's reason, when given, is stored as written: refuse text that could not be (unpaired surrogates). */
export function assertReason(reason: unknown, where: string): void {
  if (reason === undefined || reason === null) return;
  if (typeof reason !== 'string') throw new InvalidRequestError(`${where}: reason must be a string or null`);
  assertWellFormed(reason, where, 'reason');
}

function assertWellFormed(text: string, where: string, field: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidRequestError(
      `${where}: ${field} contains an unpaired UTF-16 surrogate (not valid Unicode); it would not be stored as written`,
      [{ field, message: 'contains an unpaired UTF-16 surrogate' }],
    );
  }
}

export function assertAnnotationType(annotationType: unknown): void {
  if (typeof annotationType !== 'string' || annotationType === '') {
    throw new InvalidRequestError('addAnnotation: annotation_type must be a non-empty string');
  }
}
