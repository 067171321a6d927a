// createTask on SQLite: idempotency check, task + steps + edges + history in one transaction; a task whose steps
// were all skipped finalises `completed` right there.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { encodeFaithfulJson } from '../shared/json.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { SqliteTx } from './tx.js';

/** Encoded JSON columns, computed before the transaction so a bad value fails before anything is written. */
export interface EncodedTask {
  context: string;
  tags: string;
}

export function encodeTask(task: NewTask): EncodedTask {
  const checked = task.checked === true;
  return {
    context: encodeFaithfulJson(task.context ?? null, 'task context', 'context', checked) ?? 'null',
    tags: encodeFaithfulJson(task.tags, 'task tags', 'tags', checked)!,
  };
}

export function createTaskInTx(tx: SqliteTx, task: NewTask, plan: TaskPlan, encoded: EncodedTask): CreateTaskResult {
  const { st, now } = tx;
  if (task.idempotency_key !== null) {
    const existing = st.findTaskByKey.get(task.idempotency_key) as { task_id: number } | undefined;
    if (existing) return { task_id: existing.task_id, created: false, finalized: null };
  }
  const info = st.insertTask.run(
    task.namespace,
    task.name,
    task.version,
    encoded.context,
    task.initiator,
    task.source_system,
    task.reason,
    encoded.tags,
    task.idempotency_key,
    task.correlation_id,
    now,
    plan.steps.length,
    plan.openSteps,
    plan.satisfiedSteps,
    task.needs_plan === true ? 1 : 0,
    task.trace_context ?? null,
  );
  const taskId = Number(info.lastInsertRowid);
  tx.taskHistory(taskId, 'pending', 'running', REASONS.submitted);

  const ids: number[] = [];
  for (const planned of plan.steps) {
    const s = planned.step;
    // Positional binding (named binding costs more per call on this hot insert).
    const stepInfo = st.insertStep.run(
      taskId,
      s.name,
      s.handler_class,
      planned.state,
      JSON.stringify([...new Set(s.depends_on)]),
      planned.unmet,
      s.retry_limit,
      s.retryable ? 1 : 0,
      s.timeout_ms,
      s.skippable ? 1 : 0,
      planned.ready ? now : null,
      planned.state === 'skipped' ? now : null,
    );
    const stepId = Number(stepInfo.lastInsertRowid);
    ids.push(stepId);
    if (planned.state === 'skipped') {
      tx.stepHistory({ step_id: stepId, task_id: taskId, state: 'pending' }, 'skipped', {
        reason: s.skip_reason ?? REASONS.disabled,
        attempt: 0,
      });
    }
  }
  for (const [parent, child] of plan.edges) st.insertEdge.run(ids[parent], ids[child]);
  tx.readyCount += plan.openSteps;

  const finalized = plan.openSteps === 0 ? tx.finalizeIfDone(taskId) : null;
  return { task_id: taskId, created: true, finalized };
}
