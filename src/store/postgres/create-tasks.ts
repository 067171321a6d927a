// createTasks on PostgreSQL for a batch without idempotency keys: ids come from the identity sequences up front,
// so the tasks, steps, edges and history rows of the whole batch go in one set-based statement per table.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { EncodedTask } from './create-task.js';
import { jsonbValue } from './jsonb.js';
import { run, type NamedStatement } from './pool.js';
import { NOW, type SchemaNames } from './sql.js';
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

export function batchCreateStatements(n: SchemaNames) {
  const named = (name: string, text: string): NamedStatement => ({ name: `tasker_${name}`, text });
  return {
    /** $1 task count, $2 step count; ids in ascending order. */
    allocateIds: named(
      'allocate_ids',
      `SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('${n.tasks.replace(/'/g, "''")}', 'task_id')) AS id
                      FROM generate_series(1, $1::integer) ORDER BY id) AS task_ids,
              ARRAY(SELECT nextval(pg_get_serial_sequence('${n.steps.replace(/'/g, "''")}', 'step_id')) AS id
                      FROM generate_series(1, $2::integer) ORDER BY id) AS step_ids`,
    ),
    insertTasks: named(
      'insert_tasks',
      `INSERT INTO ${n.tasks}
         (task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
          correlation_id, step_count, open_steps, satisfied_steps, created_at) OVERRIDING SYSTEM VALUE
       SELECT u.task_id, u.namespace, u.name, u.version, 'running', u.context, u.initiator, u.source_system, u.reason,
              ARRAY(SELECT jsonb_array_elements_text(u.tags)), NULL, u.correlation_id, u.step_count, u.open_steps,
              u.satisfied_steps, ${NOW}
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[],
                     $9::jsonb[], $10::text[], $11::integer[], $12::integer[], $13::integer[]) WITH ORDINALITY
           AS u(task_id, namespace, name, version, context, initiator, source_system, reason, tags, correlation_id,
                step_count, open_steps, satisfied_steps, ord)
        ORDER BY u.ord`,
    ),
    insertStepsOf: named(
      'insert_steps_of',
      `INSERT INTO ${n.steps}
         (step_id, task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable, timeout_ms,
          skippable, ready_at, completed_at) OVERRIDING SYSTEM VALUE
       SELECT u.step_id, u.task_id, u.name, u.handler_class, ARRAY(SELECT jsonb_array_elements_text(u.deps)), u.state,
              u.unmet, u.retry_limit, u.retryable, u.timeout_ms, u.skippable,
              CASE WHEN u.ready THEN ${NOW} END, CASE WHEN u.state = 'skipped' THEN ${NOW} END
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::integer[],
                     $8::integer[], $9::boolean[], $10::integer[], $11::boolean[], $12::boolean[]) WITH ORDINALITY
           AS u(step_id, task_id, name, handler_class, deps, state, unmet, retry_limit, retryable, timeout_ms,
                skippable, ready, ord)
        ORDER BY u.ord`,
    ),
  };
}

export type BatchCreateStatements = ReturnType<typeof batchCreateStatements>;

/** Create every task of a `batchable` batch; results in input order. */
export async function createTasksInTx(
  tx: PgTx,
  st: BatchCreateStatements,
  batch: readonly PreparedTask[],
): Promise<CreateTaskResult[]> {
  const { client, ctx } = tx;
  const stepTotal = batch.reduce((k, p) => k + p.plan.steps.length, 0);
  const [ids] = await run<{ task_ids: string[]; step_ids: string[] }>(client, st.allocateIds, [
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
  await run(client, st.insertTasks, [
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
  ]);
  await run(client, st.insertStepsOf, [
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
  if (edgeParent.length > 0) await run(client, ctx.write.insertEdges, [edgeParent, edgeChild]);
  await tx.history(history);
  await tx.notifyIfReady();
  return taskIds.map((task_id) => ({ task_id, created: true, finalized: null }));
}
