// Operator actions on PostgreSQL: retry / resolve / skip a step and retry a task, with the shared legality rules,
// history rows naming the operator, reopening a failed task, and finalising a task the action finished.
import { NotFoundError } from '../../core/errors.js';
import type { StepState, TaskState } from '../../core/states.js';
import type { OperatorAction, OperatorResult } from '../../core/store-contract.js';
import { countsAsOpen, REASONS } from '../shared/lifecycle-rules.js';
import {
  assertStepActionable,
  assertTaskActionable,
  noFailedStepsError,
  operatorReason,
} from '../shared/operator-rules.js';
import { refreshPauseInTx } from './flow.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

/** A step row as stepForUpdate / stepsOfTaskForUpdate return it (also read by apply-plan.ts). */
export interface StepRow {
  step_id: number;
  task_id: number;
  name: string;
  state: StepState;
  unmet: number;
  attempts: number;
}

interface TaskRow {
  task_id: number;
  state: TaskState;
  open_steps: number;
  satisfied_steps: number;
  step_count: number;
}

/** failed -> pending with attempts reset; claimable at once when its parents are satisfied. */
async function reopenSteps(tx: PgTx, steps: StepRow[], reason: string): Promise<void> {
  await tx.history(
    steps.map((s) => ({
      task_id: s.task_id,
      step_id: s.step_id,
      from: s.state,
      to: 'pending',
      reason,
      attempt: s.attempts,
    })),
  );
  await run(tx.client, tx.ctx.sql.reopenSteps, [steps.map((s) => s.step_id)]);
  for (const s of steps) {
    if (s.unmet === 0) {
      tx.adjust(s.task_id, 1);
      tx.readyCount += 1;
    } else {
      tx.touch(s.task_id);
    }
  }
}

/** pending / retrying / failed -> skipped or resolved_manually; the step then satisfies its children. */
async function settleStep(
  tx: PgTx,
  step: StepRow,
  to: 'skipped' | 'resolved_manually',
  resultsJson: string | null,
  reason: string,
): Promise<void> {
  await tx.history([
    { task_id: step.task_id, step_id: step.step_id, from: step.state, to, reason, attempt: step.attempts },
  ]);
  await run(tx.client, tx.ctx.sql.settleStep, [step.step_id, to, resultsJson]);
  tx.adjust(step.task_id, countsAsOpen(step.state, step.unmet) ? -1 : 0, 1);
  await tx.satisfyChildren([step.step_id]);
}

export async function operateInTx(
  tx: PgTx,
  action: OperatorAction,
  resultsJson: string | null,
): Promise<OperatorResult> {
  const w = tx.ctx.sql;
  const taskId = action.task_id;
  const [task] = await run<TaskRow>(tx.client, w.taskForUpdate, [taskId]);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertTaskActionable(action, taskId, task.state);
  const reason = operatorReason(action);
  const changed: number[] = [];

  if (action.type === 'retry_task') {
    const failed = await run<StepRow>(tx.client, w.stepsOfTaskForUpdate, [taskId, ['failed']]);
    if (failed.length === 0) throw noFailedStepsError(taskId, task.state);
    await reopenSteps(tx, failed, reason);
    changed.push(...failed.map((s) => s.step_id));
  } else {
    const [step] = await run<StepRow>(tx.client, w.stepForUpdate, [action.step_id]);
    if (!step || step.task_id !== taskId) {
      throw new NotFoundError(`step ${action.step_id} not found in task ${taskId}`, {
        task_id: taskId,
        step_id: action.step_id,
      });
    }
    assertStepActionable(action.type, step);
    if (action.type === 'retry_step') await reopenSteps(tx, [step], reason);
    else if (action.type === 'skip_step') await settleStep(tx, step, 'skipped', null, reason);
    else await settleStep(tx, step, 'resolved_manually', resultsJson, reason);
    changed.push(step.step_id);
  }

  // A failed task reopens when something can run again, or when the action left nothing unsatisfied (it then
  // completes in finalizeTouched: failed -> running -> completed, both legal and both recorded).
  const delta = tx.pendingDelta(taskId);
  const open = task.open_steps + delta.open;
  const satisfied = task.satisfied_steps + delta.satisfied;
  let state = task.state;
  if (state === 'failed' && (open > 0 || satisfied >= task.step_count)) {
    await tx.history([{ task_id: taskId, step_id: null, from: 'failed', to: 'running', reason: REASONS.reopened }]);
    await run(tx.client, w.setTaskState, [taskId, 'running', false]);
    await refreshPauseInTx(tx, taskId); // a reopened task holds while it (or its template) is paused
    state = 'running';
  }
  tx.touch(taskId);
  const [finalized] = await tx.finalizeTouched();
  await tx.notifyIfReady();
  return { task_state: finalized?.state ?? state, changed_step_ids: changed, finalized: finalized ?? null };
}
