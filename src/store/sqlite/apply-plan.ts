// applyPlan on SQLite: the planning hook's result for a task created with `needs_plan`, applied once (the first
// worker to plan wins), plus the hand-back of the caller's claimed steps of the task, in one transaction.
import { NotFoundError } from '../../core/errors.js';
import type { PlanRequest, PlanResult, SkippedStep } from '../../core/store-contract.js';
import { REASONS, releaseTarget } from '../shared/lifecycle-rules.js';
import type { SqliteTx, StepRow } from './tx.js';

/** Annotations of the plan with their content encoded up front (a bad value fails before the transaction). */
export interface EncodedAnnotation {
  annotation_type: string;
  content: string;
}

export function applyPlanInTx(tx: SqliteTx, req: PlanRequest, annotations: EncodedAnnotation[]): PlanResult {
  const { st, now } = tx;
  const taskId = req.task_id;
  const task = tx.taskRow(taskId);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  const released: number[] = [];
  for (const r of req.release) {
    const row = st.step.get(r.step_id) as StepRow | undefined;
    if (
      !row ||
      row.task_id !== taskId ||
      row.state !== 'running' ||
      row.locked_by !== req.workerId ||
      row.attempts !== r.attempt
    )
      continue;
    const to = releaseTarget(row.attempts);
    tx.stepHistory(row, to, { reason: REASONS.releasedForPlanning, attempt: row.attempts, actor: req.workerId });
    st.releaseStep.run(to, now, to === 'retrying' ? now : null, row.step_id);
    tx.touch(taskId);
    tx.readyCount += 1;
    released.push(row.step_id);
  }
  const skipped: SkippedStep[] = [];
  const planned = task.state === 'running' && task.needs_plan === 1;
  if (planned) {
    st.markPlanned.run(taskId);
    for (const p of req.steps) st.planStep.run(p.retry_limit, p.retryable ? 1 : 0, p.timeout_ms, taskId, p.name);
    // Order does not matter: a step is skipped from pending whatever its parents did, and counts as open only while
    // it had no unmet parent (as runtime pruning does).
    for (const p of req.steps) {
      if (!p.skip) continue;
      const row = st.stepByName.get(taskId, p.name) as StepRow | undefined;
      if (!row || row.state !== 'pending') continue;
      tx.stepHistory(row, 'skipped', {
        reason: p.skip_reason ?? REASONS.disabled,
        attempt: row.attempts,
        actor: req.workerId,
      });
      st.closeStep.run('skipped', null, now, row.step_id);
      if (row.unmet === 0) tx.adjust(taskId, -1);
      tx.satisfied(row.step_id, taskId, 'skipped');
      skipped.push({ step_id: row.step_id, task_id: taskId, name: row.name });
    }
    for (const a of annotations) st.insertAnnotation.run(taskId, a.annotation_type, a.content, now);
  }
  const finalized = tx.finalizeTouched().find((f) => f.task_id === taskId) ?? null;
  return { planned, released, skipped, finalized, readyCount: tx.readyCount };
}
