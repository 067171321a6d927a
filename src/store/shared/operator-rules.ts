// Legality of operator actions (retry / resolve / skip a step, retry a task), decided from current states only,
// with messages that name the state that makes an action illegal.
import { OperatorActionError } from '../../core/errors.js';
import type { StepState, TaskState } from '../../core/states.js';
import type { OperatorAction } from '../../core/store-contract.js';

/** Tasks operators may act on: a running task (some branch failed) or a failed one (which reopens). */
const ACTIONABLE_TASK_STATES: ReadonlySet<TaskState> = new Set(['running', 'failed']);

/** Step states each step action accepts, and the state it moves the step to. */
export const STEP_ACTION_RULES = {
  retry_step: { from: ['failed'], to: 'pending' },
  resolve_step: { from: ['pending', 'retrying', 'failed'], to: 'resolved_manually' },
  skip_step: { from: ['pending', 'retrying', 'failed'], to: 'skipped' },
} as const satisfies Record<string, { from: readonly StepState[]; to: StepState }>;

export type StepActionType = keyof typeof STEP_ACTION_RULES;

export function assertTaskActionable(action: OperatorAction, taskId: number, taskState: TaskState): void {
  if (!ACTIONABLE_TASK_STATES.has(taskState)) {
    throw new OperatorActionError(
      `cannot ${action.type} on task ${taskId}: the task is ${taskState}; only running or failed tasks can be changed`,
      { task_id: taskId, task_state: taskState, action: action.type },
    );
  }
}

export function assertStepActionable(
  type: StepActionType,
  step: { step_id: number; name: string; state: StepState },
): void {
  const rule = STEP_ACTION_RULES[type];
  if (!(rule.from as readonly StepState[]).includes(step.state)) {
    throw new OperatorActionError(
      `cannot ${type} step "${step.name}" (${step.step_id}): it is ${step.state}; ` +
        `${type} applies to ${rule.from.join(' / ')} steps`,
      { step_id: step.step_id, step_state: step.state, action: type },
    );
  }
}

export function noFailedStepsError(taskId: number, taskState: TaskState): OperatorActionError {
  return new OperatorActionError(`cannot retry_task on task ${taskId}: it is ${taskState} and has no failed steps`, {
    task_id: taskId,
    task_state: taskState,
    action: 'retry_task',
  });
}

/** The reason written for an operator's history rows. */
export function operatorReason(action: OperatorAction): string {
  return action.reason ?? `operator ${action.type}`;
}
