// Task and step state machines: the state vocabulary (the seed's names) and every legal transition.
// Any transition not listed here is rejected by `assertStepTransition` / `assertTaskTransition`.

export const STEP_STATES = [
  'pending',
  'running',
  'retrying',
  'completed',
  'failed',
  'skipped',
  'cancelled',
  'resolved_manually',
] as const;
export type StepState = (typeof STEP_STATES)[number];

export const TASK_STATES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'resolved_manually'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** States that let a dependent step run. */
export const SATISFYING_STEP_STATES: ReadonlySet<StepState> = new Set(['completed', 'skipped', 'resolved_manually']);
/** States a step never leaves on its own (operators may still retry a failed step). */
export const TERMINAL_STEP_STATES: ReadonlySet<StepState> = new Set([
  'completed',
  'failed',
  'skipped',
  'cancelled',
  'resolved_manually',
]);
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
]);

/**
 * Step transitions.
 * - pending  -> running (claimed), skipped (disabled, bypassed, routed away, operator), cancelled, resolved_manually
 * - running  -> completed, retrying (retryable error, timeout, lost lease), failed (permanent / out of attempts),
 *               cancelled (task cancelled), pending (released by a draining worker; attempt not counted)
 * - retrying -> running (next attempt claimed), cancelled, skipped, resolved_manually, failed (lease reclaim at limit)
 * - failed   -> pending (operator retry, rerun), resolved_manually, skipped (operator)
 * - completed, skipped, resolved_manually -> pending (rerun from a step: a finished task's step and its descendants
 *               run again in a new run of the task)
 */
export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  pending: ['running', 'skipped', 'cancelled', 'resolved_manually'],
  running: ['completed', 'retrying', 'failed', 'cancelled', 'pending'],
  retrying: ['running', 'cancelled', 'skipped', 'resolved_manually', 'failed'],
  failed: ['pending', 'resolved_manually', 'skipped'],
  completed: ['pending'],
  skipped: ['pending'],
  cancelled: [],
  resolved_manually: ['pending'],
};

/**
 * Task transitions.
 * - pending -> running (a task is `pending` only inside its creating transaction)
 * - running -> completed, failed, cancelled
 * - failed  -> running (operator retries a step, or reruns from a step), resolved_manually, cancelled
 * - completed -> running (rerun from a step: a new run of the task)
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['running', 'cancelled'],
  running: ['completed', 'failed', 'cancelled'],
  failed: ['running', 'resolved_manually', 'cancelled'],
  completed: ['running'],
  cancelled: [],
  resolved_manually: [],
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly entity: 'task' | 'step',
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal ${entity} transition ${from} -> ${to}`);
  }
}

export function canTransitionStep(from: StepState, to: StepState): boolean {
  return STEP_TRANSITIONS[from].includes(to);
}

export function canTransitionTask(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export function assertStepTransition(from: StepState, to: StepState): void {
  if (!canTransitionStep(from, to)) throw new IllegalTransitionError('step', from, to);
}

export function assertTaskTransition(from: TaskState, to: TaskState): void {
  if (!canTransitionTask(from, to)) throw new IllegalTransitionError('task', from, to);
}
