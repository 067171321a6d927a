// reclaimSteps and cancelTask on PostgreSQL: taking running attempts back from workers that went away (re-checked
// under the task locks, so concurrent reclaimers and late completions never both win), and cancelling a task with
// every step that could still run.
import { NotFoundError } from '../../core/errors.js';
import { canTransitionTask, type StepState } from '../../core/states.js';
import type { CancelResult, ReclaimedStep, ReclaimRequest, ReclaimResult, TaskId } from '../../core/store-contract.js';
import { jsonbDiagnostic } from './jsonb.js';
import { leaseLostError, reclaimTarget, REASONS, SYSTEM_ACTOR } from '../shared/lifecycle-rules.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';
import { presenceLabel } from './presence.js';

export const DEFAULT_RECLAIM_LIMIT = 1000;

export interface ReclaimCandidate {
  step_id: number;
  task_id: number;
  name: string;
  attempts: number;
  retry_limit: number;
  retryable: boolean;
  locked_by: string | null;
  /** The holder still holds its presence lock (expired leases only). */
  holder_alive?: boolean;
}

/**
 * Steps that look reclaimable, read without locks (a periodic sweep that finds nothing costs one query and no
 * transaction). `reclaimInTx` re-checks each one under the task locks.
 */
export async function reclaimCandidates(ctx: PgContext, req: ReclaimRequest): Promise<ReclaimCandidate[]> {
  return req.kind === 'expired'
    ? run<ReclaimCandidate>(ctx.pool, ctx.sql.expiredCandidates, [
        req.limit ?? DEFAULT_RECLAIM_LIMIT,
        req.exceptWorker ?? null,
        presenceLabel(ctx.names),
      ])
    : run<ReclaimCandidate>(ctx.pool, ctx.sql.heldByCandidates, [[...new Set(req.workerIds)]]);
}

export async function reclaimInTx(
  tx: PgTx,
  req: ReclaimRequest,
  candidates: ReclaimCandidate[],
): Promise<ReclaimResult> {
  const w = tx.ctx.sql;
  if (candidates.length === 0) return { reclaimed: [], finalized: [] };
  await tx.lockTasks(candidates.map((c) => c.task_id));
  // A holder that is alive lost its lease because it could not write (an outage): hand the attempt back uncounted.
  const release = (c: ReclaimCandidate) => req.kind === 'expired' && c.holder_alive === true;
  const rows = await run<{
    step_id: number;
    task_id: number;
    name: string;
    state: 'pending' | 'retrying' | 'failed';
    target: string;
    attempt: number;
    locked_by: string | null;
  }>(tx.client, w.reclaimApply, [
    candidates.map((c) => c.step_id),
    candidates.map((c) => c.locked_by),
    candidates.map((c) => c.attempts),
    candidates.map((c) => (release(c) ? 'release' : reclaimTarget(c.attempts, c.retry_limit, c.retryable))),
    candidates.map((c) => jsonbDiagnostic(leaseLostError(req.kind, c.locked_by, c.attempts), 'step error')),
    candidates.map((c) =>
      release(c) ? REASONS.leaseLapsed : req.kind === 'expired' ? REASONS.leaseExpired : REASONS.workerGone,
    ),
    req.kind === 'expired',
    SYSTEM_ACTOR,
  ]);
  const reclaimed: ReclaimedStep[] = [];
  for (const r of rows) {
    if (r.state === 'failed') {
      tx.adjust(r.task_id, -1);
    } else {
      tx.touch(r.task_id);
      tx.readyCount += 1;
    }
    const base = { step_id: r.step_id, task_id: r.task_id, name: r.name, attempt: r.attempt, locked_by: r.locked_by };
    reclaimed.push({ ...base, to: r.state, counted: r.target !== 'release' });
  }
  const finalized = await tx.finalizeTouched();
  await tx.notifyIfReady();
  return { reclaimed, finalized };
}

export async function cancelInTx(tx: PgTx, taskId: TaskId, reason: string | null): Promise<CancelResult> {
  const w = tx.ctx.sql;
  const [task] = await run<{ state: Parameters<typeof canTransitionTask>[0] }>(tx.client, w.taskForUpdate, [taskId]);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  if (!canTransitionTask(task.state, 'cancelled')) {
    return { cancelled: false, state: task.state, running_step_ids: [], cancelled_step_ids: [] };
  }
  const steps = await run<{ step_id: number; state: StepState; attempts: number }>(tx.client, w.stepsOfTaskForUpdate, [
    taskId,
    ['pending', 'retrying', 'running'],
  ]);
  const why = reason ?? REASONS.cancelled;
  await tx.history([
    ...steps.map((s) => ({
      task_id: taskId,
      step_id: s.step_id,
      from: s.state,
      to: 'cancelled',
      reason: why,
      attempt: s.attempts,
    })),
    { task_id: taskId, step_id: null, from: task.state, to: 'cancelled', reason: why },
  ]);
  const ids = steps.map((s) => s.step_id);
  if (ids.length > 0) await run(tx.client, w.cancelSteps, [ids]);
  await run(tx.client, w.cancelTask, [taskId]);
  await tx.reconcileGates([taskId]); // its concurrency slots go to the next in line
  await tx.notifyIfReady();
  return {
    cancelled: true,
    state: 'cancelled',
    running_step_ids: steps.filter((s) => s.state === 'running').map((s) => s.step_id),
    cancelled_step_ids: ids,
  };
}
