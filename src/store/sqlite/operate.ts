// Operator actions on SQLite: retry / resolve / skip a step and retry a task, with legality checks, history rows
// naming the operator, reopening a failed task, and finalising a task the action finished.
import { NotFoundError } from '../../core/errors.js';
import type { OperatorAction, OperatorResult } from '../../core/store-contract.js';
import { countsAsOpen, REASONS } from '../shared/lifecycle-rules.js';
import {
  assertStepActionable,
  assertTaskActionable,
  noFailedStepsError,
  operatorReason,
} from '../shared/operator-rules.js';
import { holdIfPaused } from './flow.js';
import { reconcileGates } from './gates.js';
import type { SqliteTx, StepRow } from './tx.js';

/** failed -> pending with attempts reset; claimable at once when its parents are satisfied. */
function reopenStep(tx: SqliteTx, step: StepRow, reason: string): void {
  tx.stepHistory(step, 'pending', { reason, attempt: step.attempts });
  const ready = step.unmet === 0;
  tx.st.reopenStep.run(ready ? tx.now : null, step.step_id);
  if (ready) {
    tx.adjust(step.task_id, 1);
    tx.readyCount += 1;
  } else {
    tx.touch(step.task_id);
  }
}

/** pending / retrying / failed -> skipped or resolved_manually; the step then satisfies its children. */
function settleStep(
  tx: SqliteTx,
  step: StepRow,
  to: 'skipped' | 'resolved_manually',
  resultsJson: string | null,
  reason: string,
): void {
  tx.stepHistory(step, to, { reason, attempt: step.attempts });
  tx.st.closeStep.run(to, resultsJson, tx.now, step.step_id);
  if (countsAsOpen(step.state, step.unmet)) tx.adjust(step.task_id, -1);
  tx.satisfied(step.step_id, step.task_id, to);
}

export function operateInTx(tx: SqliteTx, action: OperatorAction, resultsJson: string | null): OperatorResult {
  const taskId = action.task_id;
  const task = tx.taskRow(taskId);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertTaskActionable(action, taskId, task.state);
  const reason = operatorReason(action);
  const changed: number[] = [];

  if (action.type === 'retry_task') {
    const failed = tx.st.stepsOfTaskIn.all(taskId, '["failed"]') as StepRow[];
    if (failed.length === 0) throw noFailedStepsError(taskId, task.state);
    for (const step of failed) {
      reopenStep(tx, step, reason);
      changed.push(step.step_id);
    }
  } else {
    const step = tx.st.step.get(action.step_id) as StepRow | undefined;
    if (!step || step.task_id !== taskId) {
      throw new NotFoundError(`step ${action.step_id} not found in task ${taskId}`, {
        task_id: taskId,
        step_id: action.step_id,
      });
    }
    assertStepActionable(action.type, step);
    if (action.type === 'retry_step') reopenStep(tx, step, reason);
    else if (action.type === 'skip_step') settleStep(tx, step, 'skipped', null, reason);
    else settleStep(tx, step, 'resolved_manually', resultsJson, reason);
    changed.push(step.step_id);
  }

  tx.flush();
  const after = tx.taskRow(taskId)!;
  let state = after.state;
  // A failed task reopens when something can run again, or when the action left nothing unsatisfied (it then
  // completes just below: failed -> running -> completed, both legal and both recorded).
  if (state === 'failed' && (after.open_steps > 0 || after.satisfied_steps >= after.step_count)) {
    tx.taskHistory(taskId, 'failed', 'running', REASONS.reopened);
    tx.st.setTaskState.run('running', null, taskId);
    state = 'running';
    holdIfPaused(tx, taskId, true); // a reopened task holds while it (or its template) is paused
  } else {
    holdIfPaused(tx, taskId, false);
  }
  const finalized = tx.finalizeIfDone(taskId);
  reconcileGates(tx, [taskId], action.actor); // concurrency slots follow what the action changed
  return { task_state: finalized?.state ?? state, changed_step_ids: changed, finalized };
}
