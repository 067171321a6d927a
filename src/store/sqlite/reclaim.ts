// reclaimSteps and cancelTask on SQLite: taking running attempts back from workers that went away, and cancelling
// a task with every step that could still run.
import { NotFoundError } from '../../core/errors.js';
import { canTransitionTask } from '../../core/states.js';
import type { CancelResult, ReclaimedStep, ReclaimRequest, ReclaimResult, TaskId } from '../../core/store-contract.js';
import { encodeJson } from '../shared/json.js';
import { leaseLostError, reclaimTarget, releaseTarget, REASONS } from '../shared/lifecycle-rules.js';
import type { SqliteTx, StepRow } from './tx.js';
import { reconcileGates } from './gates.js';

export const DEFAULT_RECLAIM_LIMIT = 1000;

/**
 * Take back running attempts: expired leases (except the caller's own) or every step of dead workers. An expired
 * lease whose holder is still alive (`holderAlive`) lapsed because it could not write (a full disk, an I/O error):
 * the attempt is handed back without being spent. Otherwise the attempt counts (retrying, or failed at the limit).
 */
export function reclaimInTx(
  tx: SqliteTx,
  req: ReclaimRequest,
  holderAlive: (workerId: string) => boolean,
): ReclaimResult {
  const { st, now } = tx;
  const rows: StepRow[] =
    req.kind === 'expired'
      ? (st.expiredSteps.all(now, req.exceptWorker ?? null, req.limit ?? DEFAULT_RECLAIM_LIMIT) as StepRow[])
      : [...new Set(req.workerIds)].flatMap((w) => st.stepsHeldBy.all(w) as StepRow[]);
  const reclaimed: ReclaimedStep[] = [];
  for (const row of rows) {
    const base = {
      step_id: row.step_id,
      task_id: row.task_id,
      name: row.name,
      attempt: row.attempts,
      locked_by: row.locked_by,
    };
    if (req.kind === 'expired' && row.locked_by !== null && holderAlive(row.locked_by)) {
      const to = releaseTarget(row.attempts);
      tx.stepHistory(row, to, { reason: REASONS.leaseLapsed, attempt: row.attempts });
      st.releaseStep.run(to, now, to === 'retrying' ? now : null, row.step_id);
      tx.touch(row.task_id);
      tx.readyCount += 1;
      reclaimed.push({ ...base, to, counted: false });
      continue;
    }
    const to = reclaimTarget(row.attempts, row.retry_limit, row.retryable === 1);
    const error = leaseLostError(req.kind, row.locked_by, row.attempts);
    const errorJson = encodeJson(error, 'step error');
    const duration = row.started_at === null ? null : Math.max(0, now - row.started_at);
    const reason = req.kind === 'expired' ? REASONS.leaseExpired : REASONS.workerGone;
    tx.stepHistory(row, to, { reason, attempt: row.attempts, error });
    if (to === 'retrying') {
      st.retryStep.run(errorJson, now, now, duration, row.step_id);
      tx.touch(row.task_id);
      tx.readyCount += 1;
    } else {
      st.failStep.run(errorJson, now, duration, row.step_id);
      tx.adjust(row.task_id, -1);
    }
    reclaimed.push({ ...base, to, counted: true });
  }
  return { reclaimed, finalized: tx.finalizeTouched() };
}

export function cancelInTx(tx: SqliteTx, taskId: TaskId, reason: string | null): CancelResult {
  const { st, now } = tx;
  const task = tx.taskRow(taskId);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  if (!canTransitionTask(task.state, 'cancelled')) {
    return { cancelled: false, state: task.state, running_step_ids: [], cancelled_step_ids: [] };
  }
  const steps = st.stepsOfTaskIn.all(taskId, '["pending","retrying","running"]') as StepRow[];
  const running: number[] = [];
  const cancelled: number[] = [];
  const why = reason ?? REASONS.cancelled;
  for (const step of steps) {
    tx.stepHistory(step, 'cancelled', { reason: why, attempt: step.attempts });
    st.closeStep.run('cancelled', step.results, now, step.step_id);
    if (step.state === 'running') running.push(step.step_id);
    cancelled.push(step.step_id);
  }
  tx.taskHistory(taskId, task.state, 'cancelled', why);
  st.closeTask.run('cancelled', now, taskId);
  reconcileGates(tx, [taskId], tx.actor); // its concurrency slots go to the next in line
  return { cancelled: true, state: 'cancelled', running_step_ids: running, cancelled_step_ids: cancelled };
}
