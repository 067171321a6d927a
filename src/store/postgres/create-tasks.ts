// createTasks on PostgreSQL for a batch without idempotency keys: ids come from the identity sequences up front,
// so the tasks, steps, edges and history rows of the whole batch go in one set-based statement per table. A task held
// back (flow control: paused template, delayed start) is inserted pending, and its ready steps are not claimable.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { REASONS, submittedReason } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { PgContext } from './context.js';
import { createTaskAtOnce, createTaskInTx, flowParams, gatedTask, rateKeyed, type EncodedTask } from './create-task.js';
import { jsonbValue } from './jsonb.js';
import { run, withTransaction } from './pool.js';
import { PgTx } from './tx.js';

export interface PreparedTask {
  task: NewTask;
  plan: TaskPlan;
  encoded: EncodedTask;
}

/**
 * createTasks: one task by the one-statement path when it can; a batch without idempotency keys (none finalising at
 * creation) set-based; anything else task by task in one transaction, with one NOTIFY.
 */
export async function createTasks(ctx: PgContext, prepared: readonly PreparedTask[]): Promise<CreateTaskResult[]> {
  if (prepared.length === 1) {
    const { task, plan, encoded } = prepared[0]!;
    const atOnce = await createTaskAtOnce(ctx, task, plan, encoded);
    if (atOnce) return [atOnce];
  }
  if (prepared.length > 1 && batchable(prepared)) {
    return withTransaction(ctx.pool, ctx.logger, (client) => createTasksInTx(new PgTx(client, ctx, null), prepared));
  }
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const out: CreateTaskResult[] = [];
    let ready = 0;
    // One PgTx per task, so each task's history carries its own initiator as actor; one NOTIFY for the batch.
    for (const p of prepared) {
      const tx = new PgTx(client, ctx, p.task.initiator);
      out.push(await createTaskInTx(tx, p.task, p.plan, p.encoded, false));
      ready += tx.readyCount;
    }
    const last = new PgTx(client, ctx, null);
    last.readyCount = ready;
    await last.notifyIfReady();
    return out;
  });
}

/** The batch path applies when no task can collide on a key and none finalises at creation (all steps skipped). */
export function batchable(batch: readonly PreparedTask[]): boolean {
  return batch.every(
    (p) =>
      p.task.idempotency_key === null &&
      p.plan.openSteps > 0 &&
      p.task.needs_plan !== true &&
      !p.task.parent &&
      !gatedTask(p.task, p.plan) &&
      !rateKeyed(p.task),
  );
}

/** Create every task of a `batchable` batch; results in input order. */
export async function createTasksInTx(tx: PgTx, batch: readonly PreparedTask[]): Promise<CreateTaskResult[]> {
  const { client, ctx } = tx;
  const stepTotal = batch.reduce((k, p) => k + p.plan.steps.length, 0);
  const [ids] = await run<{ task_ids: string[]; step_ids: string[] }>(client, ctx.sql.allocateIds, [
    batch.length,
    stepTotal,
  ]);
  const taskIds = ids!.task_ids.map(Number);
  const stepIds = ids!.step_ids.map(Number);
  const tasks = batch.map(({ task, plan, encoded }) => [
    task.namespace,
    task.name,
    task.version,
    encoded.context,
    task.initiator,
    task.source_system,
    task.reason,
    jsonbValue(task.tags, 'task tags', 'tags', task.checked === true) ?? '[]',
    task.correlation_id,
    plan.steps.length,
    plan.openSteps,
    plan.satisfiedSteps,
    task.trace_context ?? null,
    ...flowParams(task),
  ]);
  const column = (i: number) => tasks.map((t) => t[i]);
  // The tasks first: whether each is held back (pending, the only rows returned) decides whether its ready steps are
  // claimable.
  const inserted = await run<{ task_id: string; state: string; waiting_for: string | null }>(
    client,
    ctx.sql.insertTasks,
    [taskIds, ...Array.from({ length: tasks[0]!.length }, (_, i) => column(i))],
  );
  const held = new Map(inserted.map((r) => [Number(r.task_id), r]));
  const s = {
    id: [] as number[],
    task: [] as number[],
    name: [] as string[],
    handler: [] as string[],
    deps: [] as string[],
    state: [] as string[],
    unmet: [] as number[],
    retryLimit: [] as number[],
    retryable: [] as boolean[],
    timeout: [] as (number | null)[],
    skippable: [] as boolean[],
    ready: [] as boolean[],
    priority: [] as number[],
  };
  const edgeParent: number[] = [];
  const edgeChild: number[] = [];
  const history: Parameters<PgTx['history']>[0] = [];
  let next = 0;
  batch.forEach((p, i) => {
    const taskId = taskIds[i]!;
    const { task, plan, encoded } = p;
    const row = held.get(taskId);
    const pending = row?.state === 'pending';
    history.push({
      task_id: taskId,
      step_id: null,
      from: 'pending',
      to: pending ? 'pending' : 'running',
      reason: submittedReason(row?.waiting_for ?? null),
      actor: task.initiator,
    });
    const first = next;
    for (const r of plan.steps) {
      const stepId = stepIds[next++]!;
      s.id.push(stepId);
      s.task.push(taskId);
      s.name.push(r.step.name);
      s.handler.push(r.step.handler_class);
      s.deps.push(encoded.depends_on[r.index]!);
      s.state.push(r.state);
      s.unmet.push(r.unmet);
      s.retryLimit.push(r.step.retry_limit);
      s.retryable.push(r.step.retryable);
      s.timeout.push(r.step.timeout_ms);
      s.skippable.push(r.step.skippable);
      s.ready.push(r.ready && !pending);
      s.priority.push(task.priority ?? 0);
      if (r.state === 'skipped') {
        history.push({
          task_id: taskId,
          step_id: stepId,
          from: 'pending',
          to: 'skipped',
          reason: r.step.skip_reason ?? REASONS.disabled,
          attempt: 0,
          actor: task.initiator,
        });
      }
    }
    for (const [parent, child] of plan.edges) {
      edgeParent.push(stepIds[first + parent]!);
      edgeChild.push(stepIds[first + child]!);
    }
    if (!pending) tx.readyCount += plan.openSteps;
  });
  await run(client, ctx.sql.insertStepsOf, [
    s.id,
    s.task,
    s.name,
    s.handler,
    s.deps,
    s.state,
    s.unmet,
    s.retryLimit,
    s.retryable,
    s.timeout,
    s.skippable,
    s.ready,
    s.priority,
  ]);
  if (edgeParent.length > 0) await run(client, ctx.sql.insertEdges, [edgeParent, edgeChild]);
  await tx.history(history);
  await tx.notifyIfReady();
  return taskIds.map((task_id) => ({ task_id, created: true, finalized: null }));
}
