// rerunFrom on PostgreSQL, in one transaction: lock the task and its steps, plan the reset with the shared rules
// (../shared/rerun-rules.ts), then write it — history rows first (each step's previous state, attempts and
// results), the reset steps, the unmet counters of the others, the task at its next run — and wake the workers.
import { NotFoundError } from '../../core/errors.js';
import { applyMergePatch } from '../../core/json-merge-patch.js';
import { assertStepTransition, assertTaskTransition, type StepState, type TaskState } from '../../core/states.js';
import type { RerunOptions, RerunResult, StepId, TaskId } from '../../core/store-contract.js';
import {
  assertTaskRerunnable,
  planRerun,
  rerunReason,
  resetNeedsHistory,
  type RerunStepRow,
} from '../shared/rerun-rules.js';
import { refreshPauseInTx } from './flow.js';
import { jsonbValue } from './jsonb.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

interface TaskRow {
  task_id: number;
  state: TaskState;
  run: number;
  context: unknown;
}

interface StepRow {
  step_id: number;
  name: string;
  state: StepState;
  unmet: number;
  attempts: number;
  depends_on: string[];
  results: unknown;
  map_of: number | null;
  map_size: number | null;
}

export async function rerunInTx(tx: PgTx, taskId: TaskId, stepId: StepId, opts: RerunOptions): Promise<RerunResult> {
  const w = tx.ctx.sql;
  const [task] = await run<TaskRow>(tx.client, w.rerunTask, [taskId]);
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertTaskRerunnable(taskId, task, opts.expectedRun);
  const rows = await run<StepRow>(tx.client, w.rerunSteps, [taskId]);
  const target = rows.find((r) => Number(r.step_id) === stepId);
  if (!target) {
    throw new NotFoundError(`step ${stepId} not found in task ${taskId}`, { task_id: taskId, step_id: stepId });
  }
  const reasons = new Map<number, string | null>();
  for (const r of await run<{ step_id: number; reason: string | null }>(tx.client, w.skipReasons, [taskId])) {
    reasons.set(Number(r.step_id), r.reason);
  }
  const steps: RerunStepRow[] = rows.map((r) => ({
    step_id: Number(r.step_id),
    name: r.name,
    state: r.state,
    unmet: r.unmet,
    attempts: r.attempts,
    depends_on: r.depends_on ?? [],
    skip_reason: r.state === 'skipped' ? (reasons.get(Number(r.step_id)) ?? null) : null,
    map_of: r.map_of === null ? null : Number(r.map_of),
    map_size: r.map_size,
  }));
  const patch = opts.contextPatch ?? null;
  const plan = planRerun(
    taskId,
    steps,
    steps.find((s) => s.step_id === stepId)!,
    opts.downstream !== false,
    !!patch,
  );
  const patchJson = patch === null ? null : jsonbValue(patch, 'context_patch', 'context_patch');
  const context =
    patch === null ? null : jsonbValue(applyMergePatch(task.context, patch), 'patched context', 'context');
  const nextRun = Number(task.run) + 1;
  const reason = rerunReason(target.name, opts.reason, patchJson);
  const results = new Map(rows.map((r) => [Number(r.step_id), r.results]));

  assertTaskTransition(task.state, 'running');
  const history = plan.reset.filter(resetNeedsHistory);
  for (const s of history) assertStepTransition(s.state, 'pending');
  await run(tx.client, w.insertRerunHistory, [
    taskId,
    opts.actor,
    reason,
    nextRun,
    [null, ...history.map((s) => s.step_id)],
    [task.state, ...history.map((s) => s.state)],
    ['running', ...history.map(() => 'pending')],
    [null, ...history.map((s) => s.attempts)],
    [null, ...history.map((s) => previousResults(results.get(s.step_id)))],
  ]);
  await run(tx.client, w.resetSteps, [plan.reset.map((s) => s.step_id), plan.reset.map((s) => s.new_unmet)]);
  if (plan.unmet.length) {
    await run(tx.client, w.setUnmet, [plan.unmet.map((u) => u.step_id), plan.unmet.map((u) => u.unmet)]);
  }
  // Reset mapped steps forget their map and their instances go (./map.ts): they map their list afresh.
  if (rows.some((r) => r.map_size !== null)) await run(tx.client, w.clearMaps, [plan.reset.map((s) => s.step_id)]);
  if (plan.dropped.length) await run(tx.client, w.dropInstances, [taskId, plan.dropped]);
  await run(tx.client, w.restartTask, [taskId, nextRun, plan.open_steps, plan.satisfied_steps, plan.replan, context]);
  await refreshPauseInTx(tx, taskId); // the new run holds while the task (or its template) is paused
  tx.readyCount += plan.reset.filter((s) => s.ready).length;
  await tx.reconcileGates([taskId]); // with concurrency limits, the new run takes or queues for its slots
  await tx.notifyIfReady();
  return {
    task_id: taskId,
    run: nextRun,
    task_state: 'running',
    reset_step_ids: plan.reset.map((s) => s.step_id),
    kept_skipped_step_ids: plan.kept_skipped,
    replan: plan.replan,
  };
}

/** A step's results as they were, for its rerun history row (SQL NULL when it had none). */
function previousResults(value: unknown): string | null {
  return value === null || value === undefined ? null : jsonbValue(value, 'previous results', 'results', true);
}
