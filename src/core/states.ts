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

/**
 * Why an unfinished task does not progress (flow control), beside its state: a task held back before its first step
 * is `pending` with one of these; a started task stays `running` (paused: no new step starts).
 * - delay: its `run_at` has not come yet; - paused: the task, its template or its namespace is paused;
 * - concurrency: it waits for a slot of its concurrency key; - rate_limit: its first step waits for a token.
 */
export const TASK_WAITS = ['delay', 'paused', 'concurrency', 'rate_limit'] as const;
export type TaskWait = (typeof TASK_WAITS)[number];

/**
 * Why a step that could otherwise run waits: no live worker can run it, one of its task's TASK_WAITS, or — a step
 * with no handler, parked without a lease — a signal, a timer, its sub-workflow or its map's instances.
 */
export const STEP_WAITS = ['worker', ...TASK_WAITS, 'signal', 'timer', 'subtask', 'map'] as const;
export type StepWait = (typeof STEP_WAITS)[number];

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
 * - pending -> running (its first step is claimed), cancelled. A task is `pending` only inside its creating
 *              transaction, unless it is held back (flow control: a delayed start, a pause); it then waits as
 *              `pending` with a `waiting_for` (TASK_WAITS).
 * - pending -> pending, running -> running: what the task waits for changed (held back at submission, paused,
 *              resumed); the state stays, the history row records who and why.
 * - running -> completed, failed, cancelled
 * - failed  -> running (operator retries a step, or reruns from a step), resolved_manually, cancelled
 * - completed -> running (rerun from a step: a new run of the task)
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['pending', 'running', 'cancelled'],
  running: ['running', 'completed', 'failed', 'cancelled'],
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
