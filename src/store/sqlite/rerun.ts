// rerunFrom on SQLite, inside one IMMEDIATE transaction: check the task and step, plan the reset with the shared
// rules (../shared/rerun-rules.ts), then write it — history rows first (they record each step's previous state,
// attempts and results), the reset steps, the unmet counters of the others, and the task at its next run.
import { NotFoundError } from '../../core/errors.js';
import { applyMergePatch } from '../../core/json-merge-patch.js';
import { assertStepTransition, assertTaskTransition, type StepState, type TaskState } from '../../core/states.js';
import type { RerunOptions, RerunResult, StepId, TaskId } from '../../core/store-contract.js';
import { decodeJson, encodeFaithfulJson } from '../shared/json.js';
import {
  assertTaskRerunnable,
  planRerun,
  rerunReason,
  resetNeedsHistory,
  type RerunStepRow,
} from '../shared/rerun-rules.js';
import { holdIfPaused } from './flow.js';
import { reconcileGates } from './gates.js';
import type { SqliteTx } from './tx.js';
import { dropMaps } from './map.js';

interface TaskRow {
  task_id: number;
  state: TaskState;
  run: number;
  context: string;
}

interface StepRow {
  step_id: number;
  name: string;
  state: StepState;
  unmet: number;
  attempts: number;
  depends_on: string;
  results: string | null;
  map_of: number | null;
  map_size: number | null;
}

export function rerunInTx(tx: SqliteTx, taskId: TaskId, stepId: StepId, opts: RerunOptions): RerunResult {
  const { st, now } = tx;
  const task = st.rerunTask.get(taskId) as TaskRow | undefined;
  if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertTaskRerunnable(taskId, task, opts.expectedRun);
  const rows = st.rerunSteps.all(taskId) as StepRow[];
  const target = rows.find((r) => r.step_id === stepId);
  if (!target) {
    throw new NotFoundError(`step ${stepId} not found in task ${taskId}`, { task_id: taskId, step_id: stepId });
  }
  const reasons = new Map<number, string | null>();
  for (const r of st.skipReasons.all(taskId) as Array<{ step_id: number; reason: string | null }>) {
    reasons.set(r.step_id, r.reason);
  }
  const steps: RerunStepRow[] = rows.map((r) => ({
    step_id: r.step_id,
    name: r.name,
    state: r.state,
    unmet: r.unmet,
    attempts: r.attempts,
    depends_on: (decodeJson(r.depends_on) as string[] | null) ?? [],
    skip_reason: r.state === 'skipped' ? (reasons.get(r.step_id) ?? null) : null,
    map_of: r.map_of,
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
  const patchJson = patch === null ? null : encodeFaithfulJson(patch, 'context_patch', 'context_patch');
  const context =
    patch === null
      ? null
      : encodeFaithfulJson(applyMergePatch(decodeJson(task.context), patch), 'patched context', 'context');
  const run = task.run + 1;
  const reason = rerunReason(target.name, opts.reason, patchJson);
  const results = new Map(rows.map((r) => [r.step_id, r.results]));

  assertTaskTransition(task.state, 'running');
  st.insertRerunHistory.run(taskId, null, task.state, 'running', now, reason, null, opts.actor, run, null);
  for (const s of plan.reset) {
    if (!resetNeedsHistory(s)) continue;
    assertStepTransition(s.state, 'pending');
    const previous = results.get(s.step_id) ?? null;
    st.insertRerunHistory.run(
      taskId,
      s.step_id,
      s.state,
      'pending',
      now,
      reason,
      s.attempts,
      opts.actor,
      run,
      previous,
    );
  }
  for (const s of plan.reset) st.resetStep.run(s.new_unmet, s.ready ? now : null, s.step_id);
  for (const u of plan.unmet) st.setUnmet.run(u.unmet, u.step_id);
  if (rows.some((r) => r.map_size !== null))
    dropMaps(
      tx,
      taskId,
      plan.dropped,
      plan.reset.map((s) => s.step_id),
    );
  st.restartTask.run(run, plan.open_steps, plan.satisfied_steps, plan.replan ? 1 : 0, context, taskId);
  holdIfPaused(tx, taskId, true); // the new run holds while the task (or its template) is paused
  reconcileGates(tx, [taskId], opts.actor); // with concurrency limits, the new run takes or queues for its slots
  tx.readyCount += plan.reset.filter((s) => s.ready).length;
  return {
    task_id: taskId,
    run,
    task_state: 'running',
    reset_step_ids: plan.reset.map((s) => s.step_id),
    kept_skipped_step_ids: plan.kept_skipped,
    replan: plan.replan,
  };
}
