// Backend-neutral rules of the step lifecycle: history reasons and actors, which steps count as open, the target
// of a release or a reclaim, the error a lost lease records, and a finished task's final state.
import type { StepState, TaskState } from '../../core/states.js';
import type { StepError } from '../../core/store-contract.js';

/** Actor of changes the store makes on its own (lease reclaims); workers and operators name themselves. */
export const SYSTEM_ACTOR = 'system';

/** The `reason` written to history rows, shared so both stores write identical histories. */
export const REASONS = {
  submitted: 'submitted',
  submittedPaused: 'submitted while its template or namespace is paused',
  submittedDelayed: 'submitted with a delayed start',
  submittedQueued: 'submitted; it waits for a concurrency slot',
  slotFree: 'a concurrency slot is free',
  started: 'started',
  paused: 'paused by operator',
  resumed: 'resumed by operator',
  targetPaused: (target: string) => `${target} paused`,
  targetResumed: (target: string) => `${target} resumed`,
  disabled: 'disabled',
  claimed: 'claimed',
  completed: 'completed',
  retry: 'retry scheduled',
  failed: 'failed',
  released: 'released',
  rateLimited: 'rate_limited',
  parked: (wait: string) => `waiting for ${wait}`,
  signalled: (name: string) => `signal ${name} received`,
  releasedForPlanning: 'handed back to plan the task first',
  leaseExpired: 'lease expired',
  leaseLapsed: 'lease lapsed while its worker was alive; handed back, attempt not counted',
  workerGone: 'worker gone',
  cancelled: 'cancelled',
  allStepsDone: 'all steps completed, skipped or resolved',
  stepFailed: 'a step failed and nothing else can run',
  reopened: 'reopened by operator',
  prunedBy: (stepName: string) => `routed away by ${stepName}`,
} as const;

/** The reason of a new task's first history row, from what it waits for (flow control) when held back. */
export function submittedReason(waitingFor: string | null): string {
  if (waitingFor === 'paused') return REASONS.submittedPaused;
  if (waitingFor === 'delay') return REASONS.submittedDelayed;
  if (waitingFor === 'concurrency') return REASONS.submittedQueued;
  return REASONS.submitted;
}

/** Open steps are claimable, running or retrying; a task finalises when its count reaches 0. */
export function countsAsOpen(state: StepState, unmet: number): boolean {
  return state === 'running' || state === 'retrying' || (state === 'pending' && unmet === 0);
}

/** Where a released (never-run) attempt goes: back to what it was before the claim. */
export function releaseTarget(attempts: number): Extract<StepState, 'pending' | 'retrying'> {
  return attempts > 1 ? 'retrying' : 'pending';
}

/** A reclaimed attempt is retried while attempts remain and the step is retryable, else it fails for good. */
export function reclaimTarget(attempts: number, retryLimit: number, retryable: boolean): 'retrying' | 'failed' {
  return retryable && attempts < retryLimit ? 'retrying' : 'failed';
}

/** The error recorded for an attempt whose worker lost it. */
export function leaseLostError(kind: 'expired' | 'workers', workerId: string | null, attempt: number): StepError {
  const who = workerId ?? 'an unknown worker';
  const message =
    kind === 'expired'
      ? `attempt ${attempt} was lost: the lease held by worker ${who} expired without a heartbeat`
      : `attempt ${attempt} was lost: worker ${who} is gone`;
  return { message, class: 'LeaseExpiredError', code: 'lease_expired', stack: null };
}

/** A task whose open steps reached 0 is completed when every step is satisfied, else failed. */
export function finalTaskState(satisfiedSteps: number, stepCount: number): Extract<TaskState, 'completed' | 'failed'> {
  return satisfiedSteps >= stepCount ? 'completed' : 'failed';
}

export function finalReason(state: 'completed' | 'failed'): string {
  return state === 'completed' ? REASONS.allStepsDone : REASONS.stepFailed;
}
