// createTasks on PostgreSQL for a batch without idempotency keys: ids come from the identity sequences up front,
// so the tasks, steps, edges and history rows of the whole batch go in one set-based statement per table.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { EncodedTask } from './create-task.js';
import { jsonbValue } from './jsonb.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

export interface PreparedTask {
  task: NewTask;
  plan: TaskPlan;
  encoded: EncodedTask;
}

/** The batch path applies when no task can collide on a key and none finalises at creation (all steps skipped). */
export function batchable(batch: readonly PreparedTask[]): boolean {
  return batch.every((p) => p.task.idempotency_key === null && p.plan.openSteps > 0 && p.task.needs_plan !== true);
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
  const t = {
    namespace: [] as string[],
    name: [] as string[],
    version: [] as string[],
    context: [] as string[],
    initiator: [] as (string | null)[],
    source: [] as (string | null)[],
    reason: [] as (string | null)[],
    tags: [] as string[],
    corr: [] as string[],
    count: [] as number[],
    open: [] as number[],
    satisfied: [] as number[],
    trace: [] as (string | null)[],
  };
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
  };
  const edgeParent: number[] = [];
  const edgeChild: number[] = [];
  const history: Parameters<PgTx['history']>[0] = [];
  let next = 0;
  batch.forEach((p, i) => {
    const taskId = taskIds[i]!;
    const { task, plan, encoded } = p;
    t.namespace.push(task.namespace);
    t.name.push(task.name);
    t.version.push(task.version);
    t.context.push(encoded.context);
    t.initiator.push(task.initiator);
    t.source.push(task.source_system);
    t.reason.push(task.reason);
    t.tags.push(jsonbValue(task.tags, 'task tags', 'tags', task.checked === true) ?? '[]');
    t.corr.push(task.correlation_id);
    t.count.push(plan.steps.length);
    t.open.push(plan.openSteps);
    t.satisfied.push(plan.satisfiedSteps);
    t.trace.push(task.trace_context ?? null);
    history.push({
      task_id: taskId,
      step_id: null,
      from: 'pending',
      to: 'running',
      reason: REASONS.submitted,
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
      s.ready.push(r.ready);
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
    tx.readyCount += plan.openSteps;
  });
  await run(client, ctx.sql.insertTasks, [
    taskIds,
    t.namespace,
    t.name,
    t.version,
    t.context,
    t.initiator,
    t.source,
    t.reason,
    t.tags,
    t.corr,
    t.count,
    t.open,
    t.satisfied,
    t.trace,
  ]);
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
  ]);
  if (edgeParent.length > 0) await run(client, ctx.sql.insertEdges, [edgeParent, edgeChild]);
  await tx.history(history);
  await tx.notifyIfReady();
  return taskIds.map((task_id) => ({ task_id, created: true, finalized: null }));
}
