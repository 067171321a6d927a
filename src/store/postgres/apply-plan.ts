// applyPlan on PostgreSQL: the planning hook's result for a task created with `needs_plan`, applied once (the
// first worker to plan wins, under the task lock), plus the hand-back of the caller's claimed steps of the task.
// A rare path (only tasks submitted without their handlers), so it runs statement by statement in one transaction.
import { NotFoundError } from '../../core/errors.js';
import type { StepState, TaskState } from '../../core/states.js';
import type { PlanRequest, PlanResult, SkippedStep } from '../../core/store-contract.js';
import { countsAsOpen, REASONS } from '../shared/lifecycle-rules.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';
import type { StepRow } from './operate.js';

export async function applyPlanInTx(
  tx: PgTx,
  req: PlanRequest,
  annotations: Array<{ annotation_type: string; content: string | null }>,
): Promise<PlanResult> {
  const w = tx.ctx.sql;
  const taskId = req.task_id;
  const [task] = await run<{ state: TaskState; needs_plan: boolean }>(tx.client, w.taskForUpdate, [taskId]);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });

  const released = await run<{ step_id: number; state: StepState; attempts: number }>(tx.client, w.releaseHeld, [
    req.release.map((r) => r.step_id),
    req.release.map((r) => r.attempt),
    taskId,
    req.workerId,
  ]);
  await tx.history(
    released.map((r) => ({
      task_id: taskId,
      step_id: r.step_id,
      from: 'running',
      to: r.state,
      reason: REASONS.releasedForPlanning,
      attempt: r.attempts + 1,
      actor: req.workerId,
    })),
  );
  if (released.length > 0) {
    tx.touch(taskId);
    tx.readyCount += released.length;
  }

  const skipped: SkippedStep[] = [];
  const planned = task.state === 'running' && task.needs_plan;
  if (planned) {
    await run(tx.client, w.markPlanned, [taskId]);
    await run(tx.client, w.planSteps, [
      taskId,
      req.steps.map((s) => s.name),
      req.steps.map((s) => s.retry_limit),
      req.steps.map((s) => s.retryable),
      req.steps.map((s) => s.timeout_ms),
    ]);
    const pending = await run<StepRow>(tx.client, w.stepsOfTaskForUpdate, [taskId, ['pending']]);
    const idByName = new Map(pending.map((s) => [s.name, s.step_id]));
    for (const p of req.steps) {
      const id = p.skip ? idByName.get(p.name) : undefined;
      if (id === undefined) continue;
      // Re-read: skipping an earlier step may have released this one (unmet decides whether it counted as open).
      const [step] = await run<StepRow>(tx.client, w.stepForUpdate, [id]);
      if (!step || step.state !== 'pending') continue;
      const reason = p.skip_reason ?? REASONS.disabled;
      await tx.history([
        {
          task_id: taskId,
          step_id: id,
          from: 'pending',
          to: 'skipped',
          reason,
          attempt: step.attempts,
          actor: req.workerId,
        },
      ]);
      await run(tx.client, w.settleStep, [id, 'skipped', null]);
      tx.adjust(taskId, countsAsOpen(step.state, step.unmet) ? -1 : 0, 1);
      await tx.satisfyChildren([id]);
      skipped.push({ step_id: id, task_id: taskId, name: step.name });
    }
    for (const a of annotations) await run(tx.client, w.insertAnnotation, [taskId, a.annotation_type, a.content]);
  }
  tx.touch(taskId);
  const [finalized] = await tx.finalizeTouched();
  await tx.notifyIfReady();
  return {
    planned,
    released: released.map((r) => r.step_id),
    skipped,
    finalized: finalized ?? null,
    readyCount: tx.readyCount,
  };
}
