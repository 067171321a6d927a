// createTask on PostgreSQL: an INSERT … ON CONFLICT (idempotency_key) DO NOTHING decides, race-free across
// processes, whether this call creates the task; the steps, edges and history follow. A task with steps to run is
// created by one statement (one round trip, its own implicit transaction); a task whose steps were all skipped
// finalises `completed` in the same transaction, through the statement-by-statement path. A task held back (a paused
// template or namespace, a start in the future) is created pending with no claimable step; the statements decide it.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { jsonbValue } from './jsonb.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { PgContext } from './context.js';
import { run, runRetrying, type Queryable } from './pool.js';
import type { PgTx } from './tx.js';

/** JSON columns encoded before the transaction, so a bad value fails before anything is written. */
export interface EncodedTask {
  context: string;
  depends_on: string[];
}

export function encodeTask(task: NewTask): EncodedTask {
  return {
    context: jsonbValue(task.context ?? null, 'task context', 'context', task.checked === true) ?? 'null',
    depends_on: task.steps.map((s) => JSON.stringify([...new Set(s.depends_on)])),
  };
}

/** The task columns of insertTask and createTaskAtOnce ($1-$13, sql/create-task.ts), in order. */
function taskParams(task: NewTask, plan: TaskPlan, encoded: EncodedTask): unknown[] {
  return [
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
  ];
}

/**
 * Whether a new task has concurrency limits to enforce (its own, or one of its steps'); a task with nothing to run
 * has none. Such a task is created statement by statement, its slots settled in the same transaction.
 */
export function gatedTask(task: NewTask, plan: TaskPlan): boolean {
  return plan.openSteps > 0 && (!!task.concurrency || task.steps.some((s) => !!s.concurrency));
}

/**
 * Whether a new task has a step with a rate limit: created statement by statement too (insertSteps writes the rate
 * keys), so the one-statement creation and the batch statements stay as they are.
 */
export function rateKeyed(task: NewTask): boolean {
  return task.steps.some((s) => !!s.rate_key);
}

/** The slot groups of a gated task with their limits: the task's first, then its steps' in key order (lock order). */
export function taskGroups(task: NewTask): { keys: string[]; limits: number[] } {
  const steps = new Map<string, number>();
  for (const s of task.steps) if (s.concurrency) steps.set(s.concurrency.key, s.concurrency.limit);
  const ordered = [...steps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const all = task.concurrency ? [[task.concurrency.key, task.concurrency.limit] as const, ...ordered] : ordered;
  return { keys: all.map(([k]) => k), limits: all.map(([, l]) => l) };
}

/** The flow-control parameters of insertTask and createTaskAtOnce: priority, run_at (epoch ms), delay (ms). */
export function flowParams(task: NewTask): [number, number | null, number | null] {
  return [task.priority ?? 0, task.run_at ?? null, task.delay_ms ?? null];
}

/**
 * The step arrays in plan order shared by insertSteps and the one-statement create (name … ready); `held`: the task
 * was created held back, so none of its steps is claimable yet.
 */
function stepParams(plan: TaskPlan, encoded: EncodedTask, held = false): unknown[] {
  const rows = plan.steps;
  return [
    rows.map((r) => r.step.name),
    rows.map((r) => r.step.handler_class),
    rows.map((r) => encoded.depends_on[r.index]),
    rows.map((r) => r.state),
    rows.map((r) => r.unmet),
    rows.map((r) => r.step.retry_limit),
    rows.map((r) => r.step.retryable),
    rows.map((r) => r.step.timeout_ms),
    rows.map((r) => r.step.skippable),
    rows.map((r) => r.ready && !held),
  ];
}

/** The task an idempotency key already names. ON CONFLICT waited for its creator to commit, so the row is visible. */
async function existingTask(db: Queryable, ctx: PgContext, key: string | null): Promise<CreateTaskResult> {
  const [existing] = await run<{ task_id: number }>(db, ctx.sql.findTaskByKey, [key]);
  if (!existing) throw new Error(`internal: idempotency key ${key} conflicted but has no task`);
  return { task_id: existing.task_id, created: false, finalized: null };
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
  const w = ctx.sql;
  const gated = gatedTask(task, plan);
  const [inserted] = await run<{ task_id: number; state: string }>(client, w.insertTask, [
    ...taskParams(task, plan, encoded),
    task.trace_context ?? null,
    ...flowParams(task),
    gated ? (task.concurrency?.key ?? null) : null,
    gated,
  ]);
  if (!inserted) return existingTask(client, ctx, task.idempotency_key);
  const taskId = inserted.task_id; // insertTask wrote its first history row too
  const held = inserted.state === 'pending';
  if (task.needs_plan === true) await run(client, w.setNeedsPlan, [taskId]);
  if (task.parent) await run(client, w.setTaskParent, [taskId, task.parent.task_id, task.parent.step_id]);

  const rows = plan.steps;
  const stepRows = await run<{ step_id: number; name: string }>(client, w.insertSteps, [
    taskId,
    ...stepParams(plan, encoded, held),
    task.priority ?? 0,
    rows.map((r) => (gated ? (r.step.concurrency?.key ?? null) : null)),
    rows.map((r) => r.step.rate_key ?? null),
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
  if (!held) tx.readyCount += plan.openSteps;
  if (gated) {
    // concurrency limits: the groups exist with the newest limit, then the task and its ready steps take free slots
    // or queue for them (reconcile_gates_v1), all before this transaction commits
    const groups = taskGroups(task);
    await run(client, w.upsertGroups, [groups.keys, groups.limits]);
    const [settled] = await run<{ ready: number }>(client, w.reconcileGates, [[taskId], task.initiator]);
    tx.readyCount += settled?.ready ?? 0;
  }
  let finalized = null;
  if (plan.openSteps === 0) {
    tx.touch(taskId);
    finalized = (await tx.finalizeTouched())[0] ?? null;
  }
  if (notify) await tx.notifyIfReady();
  return { task_id: taskId, created: true, finalized };
}

/**
 * createTask of a task with open steps, in one round trip; null when it needs the transactional path (a task that
 * finalises at once, or one waiting for its planning hook: rare, so the hot statement stays as it is).
 */
export async function createTaskAtOnce(
  ctx: PgContext,
  task: NewTask,
  plan: TaskPlan,
  encoded: EncodedTask,
  /** A connection of the pool (the warm-up's rehearsal, in its transaction); default: the pool. */
  db: Queryable = ctx.pool,
): Promise<CreateTaskResult | null> {
  if (plan.openSteps === 0 || task.needs_plan === true || gatedTask(task, plan) || rateKeyed(task) || task.parent) {
    return null;
  }
  const rows = plan.steps;
  const names = rows.map((r) => r.step.name);
  const [inserted] = await runRetrying<{ task_id: number }>(db, ctx.sql.createTaskAtOnce, [
    ...taskParams(task, plan, encoded),
    ...stepParams(plan, encoded),
    rows.map((r) => (r.state === 'skipped' ? (r.step.skip_reason ?? REASONS.disabled) : null)),
    plan.edges.map(([p]) => names[p]),
    plan.edges.map(([, c]) => names[c]),
    ctx.names.channel,
    task.trace_context ?? null,
    ...flowParams(task),
  ]);
  if (inserted) return { task_id: inserted.task_id, created: true, finalized: null };
  return existingTask(db, ctx, task.idempotency_key);
}
