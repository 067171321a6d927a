// createTask on PostgreSQL: an INSERT … ON CONFLICT (idempotency_key) DO NOTHING decides, race-free across
// processes, whether this call creates the task; the steps, edges and history follow in set-based statements.
// A task whose steps were all skipped finalises `completed` in the same transaction.
import type { CreateTaskResult, NewTask } from '../store.js';
import { jsonbValue } from './jsonb.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

/** JSON columns encoded before the transaction, so a bad value fails before anything is written. */
export interface EncodedTask {
  context: string;
  depends_on: string[];
}

export function encodeTask(task: NewTask): EncodedTask {
  return {
    context: jsonbValue(task.context ?? null, 'task context') ?? 'null',
    depends_on: task.steps.map((s) => JSON.stringify([...new Set(s.depends_on)])),
  };
}

export async function createTaskInTx(
  tx: PgTx,
  task: NewTask,
  plan: TaskPlan,
  encoded: EncodedTask,
  /** False when the caller sends one NOTIFY for a whole batch itself. */
  notify = true,
): Promise<CreateTaskResult> {
  const { client, ctx } = tx;
  const w = ctx.write;
  const [inserted] = await run<{ task_id: number }>(client, w.insertTask, [
    task.namespace,
    task.name,
    task.version,
    encoded.context,
    task.initiator,
    task.source_system,
    task.reason,
    task.tags,
    task.idempotency_key,
    task.correlation_id,
    plan.steps.length,
    plan.openSteps,
    plan.satisfiedSteps,
  ]);
  if (!inserted) {
    // ON CONFLICT waited for the other creator to commit, so its row is visible to this new statement.
    const [existing] = await run<{ task_id: number }>(client, w.findTaskByKey, [task.idempotency_key]);
    if (!existing) throw new Error(`internal: idempotency key ${task.idempotency_key} conflicted but has no task`);
    return { task_id: existing.task_id, created: false, finalized: null };
  }
  const taskId = inserted.task_id; // insertTask wrote its pending -> running history row too

  const rows = plan.steps;
  const stepRows = await run<{ step_id: number; name: string }>(client, w.insertSteps, [
    taskId,
    rows.map((r) => r.step.name),
    rows.map((r) => r.step.handler_class),
    rows.map((r) => encoded.depends_on[r.index]),
    rows.map((r) => r.state),
    rows.map((r) => r.unmet),
    rows.map((r) => r.step.retry_limit),
    rows.map((r) => r.step.retryable),
    rows.map((r) => r.step.timeout_ms),
    rows.map((r) => r.step.skippable),
    rows.map((r) => r.ready),
  ]);
  const idByName = new Map(stepRows.map((r) => [r.name, r.step_id]));
  const ids = rows.map((r) => idByName.get(r.step.name)!);
  if (plan.edges.length > 0) {
    await run(client, w.insertEdges, [plan.edges.map(([p]) => ids[p]), plan.edges.map(([, c]) => ids[c])]);
  }
  await tx.history(
    rows
      .filter((r) => r.state === 'skipped')
      .map((r) => ({
        task_id: taskId,
        step_id: ids[r.index]!,
        from: 'pending',
        to: 'skipped',
        reason: r.step.skip_reason ?? REASONS.disabled,
        attempt: 0,
      })),
  );
  tx.readyCount += plan.openSteps;
  let finalized = null;
  if (plan.openSteps === 0) {
    tx.touch(taskId);
    finalized = (await tx.finalizeTouched())[0] ?? null;
  }
  if (notify) await tx.notifyIfReady();
  return { task_id: taskId, created: true, finalized };
}
