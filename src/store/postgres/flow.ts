// Flow control on PostgreSQL (statements: sql/flow.ts): pausing and resuming one task, a template or a namespace,
// the paused list, and releasing delayed tasks whose run_at has come. A template or namespace pause first locks
// paused_templates ACCESS EXCLUSIVE, so it serialises with every task creation (which reads that table): no task
// created without seeing the pause commits after it.
import { NotFoundError } from '../../core/errors.js';
import type { TaskState } from '../../core/states.js';
import type {
  DueTasksResult,
  PausedTemplate,
  PauseTarget,
  TaskPauseResult,
  TemplatePauseResult,
} from '../../core/store-contract.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import {
  assertPausable,
  assertPauseTarget,
  mapPausedRow,
  OWN_PAUSE,
  TEMPLATE_PAUSE,
  targetLabel,
  waitAfterPause,
} from '../shared/pause-rules.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

interface FlowRow {
  task_id: number;
  state: TaskState;
  paused: number;
  started: boolean;
  delayed: boolean;
}

/** Pause (`on`) or resume one task by its own pause bit, in the caller's transaction. */
export async function setTaskPauseInTx(
  tx: PgTx,
  taskId: number,
  on: boolean,
  actor: string,
  reason: string | null,
): Promise<TaskPauseResult> {
  const w = tx.ctx.sql;
  const [row] = await run<FlowRow>(tx.client, w.taskFlowForUpdate, [taskId]);
  if (!row) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertPausable(on ? 'pause' : 'resume', taskId, row.state);
  const before = Number(row.paused);
  const paused = on ? before | OWN_PAUSE : before & TEMPLATE_PAUSE;
  const waiting = waitAfterPause(paused, row.started, row.delayed);
  const result = { task_id: taskId, task_state: row.state, paused: paused !== 0, waiting_for: waiting };
  if (paused === before) return { ...result, changed: false };
  await run(tx.client, w.setTaskFlow, [taskId, paused, waiting]);
  if (on) {
    await run(tx.client, w.holdSteps, [[taskId]]);
  } else if (waiting === null) {
    tx.readyCount += (await run(tx.client, w.releaseHeldSteps, [[taskId]])).length;
  }
  const why = reason ?? (on ? REASONS.paused : REASONS.resumed);
  await tx.history([{ task_id: taskId, step_id: null, from: row.state, to: row.state, reason: why, actor }]);
  await tx.reconcileGates([taskId]); // a paused task leaves its concurrency queue; a resumed one takes or queues
  await tx.notifyIfReady();
  return { ...result, changed: true };
}

/** Pause (`on`) or resume a template or namespace, in the caller's transaction. */
export async function setTemplatePauseInTx(
  tx: PgTx,
  target: PauseTarget,
  on: boolean,
  actor: string,
  reason: string | null,
): Promise<TemplatePauseResult> {
  const { namespace, name } = assertPauseTarget(target);
  const w = tx.ctx.sql;
  await run(tx.client, w.lockPausedTemplates);
  const label = targetLabel(namespace, name);
  const why = reason ?? (on ? REASONS.targetPaused(label) : REASONS.targetResumed(label));
  if (on) {
    const inserted = await run(tx.client, w.insertPausedTemplate, [namespace, name, actor, reason]);
    if (inserted.length === 0) return { changed: false, tasks: 0 };
    const [held] = await run<{ tasks: number }>(tx.client, w.holdTemplateTasks, [namespace, name, why, actor]);
    return { changed: true, tasks: held?.tasks ?? 0 };
  }
  const deleted = await run(tx.client, w.deletePausedTemplate, [namespace, name]);
  if (deleted.length === 0) return { changed: false, tasks: 0 };
  const [released] = await run<{ tasks: number; ready: number; gated: string[] }>(tx.client, w.releaseTemplateTasks, [
    namespace,
    name,
    why,
    actor,
  ]);
  tx.readyCount += released?.ready ?? 0;
  await tx.reconcileGates((released?.gated ?? []).map(Number));
  await tx.notifyIfReady();
  return { changed: true, tasks: released?.tasks ?? 0 };
}

/**
 * A reopened task (rerun, operator retry of a failed task) takes the pause state of now: its own pause bit, and its
 * template's or namespace's; when held, what the transaction made ready is taken out of the claim index.
 */
export async function refreshPauseInTx(tx: PgTx, taskId: number): Promise<void> {
  const [row] = await run<{ paused: number }>(tx.client, tx.ctx.sql.refreshPause, [taskId]);
  if (row && Number(row.paused) !== 0) await run(tx.client, tx.ctx.sql.holdSteps, [[taskId]]);
}

export async function listPaused(ctx: PgContext): Promise<PausedTemplate[]> {
  return (await run<Record<string, unknown>>(ctx.pool, ctx.sql.listPaused)).map(mapPausedRow);
}

export async function pausedFor(ctx: PgContext, namespace: string, name: string): Promise<PausedTemplate | null> {
  const [row] = await run<Record<string, unknown>>(ctx.pool, ctx.sql.pausedFor, [namespace, name]);
  return row ? mapPausedRow(row) : null;
}

export async function releaseDue(ctx: PgContext, limit: number): Promise<DueTasksResult> {
  const [row] = await run<{ r: { released: number; next_at: number | null } }>(ctx.pool, ctx.sql.releaseDue, [
    limit,
    ctx.names.channel,
  ]);
  return { released: row?.r.released ?? 0, next_at: row?.r.next_at ?? null };
}
