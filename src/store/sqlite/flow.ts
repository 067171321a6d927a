// Flow control on SQLite (statements: sql/flow.ts): pausing and resuming one task, a template or a namespace, the
// paused list, and releasing delayed tasks whose run_at has come. Every write runs in the caller's IMMEDIATE
// transaction, so a template pause and a task creation never interleave.
import { NotFoundError } from '../../core/errors.js';
import type { TaskState } from '../../core/states.js';
import type { PausedTemplate, PauseTarget, TaskPauseResult, TemplatePauseResult } from '../../core/store-contract.js';
import { REASONS, SYSTEM_ACTOR } from '../shared/lifecycle-rules.js';
import {
  assertPausable,
  assertPauseTarget,
  mapPausedRow,
  OWN_PAUSE,
  TEMPLATE_PAUSE,
  targetLabel,
  waitAfterPause,
} from '../shared/pause-rules.js';
import { reconcileGates } from './gates.js';
import type { Statements } from './statements.js';
import type { SqliteTx } from './tx.js';

interface FlowRow {
  task_id: number;
  state: TaskState;
  paused: number;
  namespace: string;
  name: string;
  started: number;
  delayed: number;
}

/** Pause (`on`) or resume one task by its own pause bit, in the caller's transaction. */
export function setTaskPauseInTx(
  tx: SqliteTx,
  taskId: number,
  on: boolean,
  actor: string,
  reason: string | null,
): TaskPauseResult {
  const { st, now } = tx;
  const row = st.taskFlow.get(now, taskId) as FlowRow | undefined;
  if (!row) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
  assertPausable(on ? 'pause' : 'resume', taskId, row.state);
  const paused = on ? row.paused | OWN_PAUSE : row.paused & TEMPLATE_PAUSE;
  const waiting = waitAfterPause(paused, row.started === 1, row.delayed === 1);
  const result = { task_id: taskId, task_state: row.state, paused: paused !== 0, waiting_for: waiting };
  if (paused === row.paused) return { ...result, changed: false };
  st.setTaskFlow.run(paused, waiting, taskId);
  if (on) st.holdSteps.run(taskId);
  else if (waiting === null) tx.readyCount += st.releaseHeldSteps.run(now, taskId).changes;
  tx.taskHistory(taskId, row.state, row.state, reason ?? (on ? REASONS.paused : REASONS.resumed), actor);
  reconcileGates(tx, [taskId], actor); // a paused task leaves its concurrency queue; a resumed one takes or queues
  return { ...result, changed: true };
}

/** Pause (`on`) or resume a template or namespace, in the caller's transaction. */
export function setTemplatePauseInTx(
  tx: SqliteTx,
  target: PauseTarget,
  on: boolean,
  actor: string,
  reason: string | null,
): TemplatePauseResult {
  const { namespace, name } = assertPauseTarget(target);
  const { st, now } = tx;
  const label = targetLabel(namespace, name);
  const why = reason ?? (on ? REASONS.targetPaused(label) : REASONS.targetResumed(label));
  if (on) {
    if (st.insertPausedTemplate.run(namespace, name, now, actor, reason).changes === 0) {
      return { changed: false, tasks: 0 };
    }
    const held = st.holdTemplateTasks.all(namespace, name, name) as Array<{ task_id: number; state: TaskState }>;
    for (const t of held) {
      st.holdSteps.run(t.task_id);
      tx.taskHistory(t.task_id, t.state, t.state, why, actor);
    }
    return { changed: true, tasks: held.length };
  }
  if (st.deletePausedTemplate.run(namespace, name).changes === 0) return { changed: false, tasks: 0 };
  const released = st.releaseTemplateTasks.all(now, namespace, name, name) as Array<{
    task_id: number;
    state: TaskState;
    waiting_for: string | null;
    gates: number;
  }>;
  for (const t of released) {
    if (t.waiting_for === null) tx.readyCount += st.releaseHeldSteps.run(now, t.task_id).changes;
    tx.taskHistory(t.task_id, t.state, t.state, why, actor);
  }
  reconcileGates(
    tx,
    released.filter((t) => t.gates === 1).map((t) => t.task_id),
    actor,
  );
  return { changed: true, tasks: released.length };
}

/**
 * Hold what a transaction made ready in a paused task (its own pause, or its template's or namespace's). `refresh`:
 * the task was just reopened (rerun, operator retry of a failed task), so its template pause bit is read again.
 */
export function holdIfPaused(tx: SqliteTx, taskId: number, refresh: boolean): void {
  const { st, now } = tx;
  const row = st.taskFlow.get(now, taskId) as FlowRow | undefined;
  if (!row) return;
  let paused = row.paused;
  if (refresh) {
    paused = (row.paused & OWN_PAUSE) | (st.pausedFor.get(row.namespace, row.name) ? TEMPLATE_PAUSE : 0);
    if (paused !== row.paused || paused !== 0) st.setTaskFlow.run(paused, paused !== 0 ? 'paused' : null, taskId);
  }
  if (paused !== 0) st.holdSteps.run(taskId);
}

export function listPaused(st: Statements): PausedTemplate[] {
  return (st.listPaused.all() as Array<Record<string, unknown>>).map(mapPausedRow);
}

export function pausedFor(st: Statements, namespace: string, name: string): PausedTemplate | null {
  const row = st.pausedFor.get(namespace, name) as Record<string, unknown> | undefined;
  return row ? mapPausedRow(row) : null;
}

/** Release up to `limit` delayed tasks due now, in the caller's transaction. Returns how many were released. */
export function releaseDueInTx(tx: SqliteTx, limit: number): number {
  const { st, now } = tx;
  const due = st.releaseDueTasks.all(now, limit) as Array<{ task_id: number; run_at: number; gates: number }>;
  for (const t of due) if (t.gates !== 1) tx.readyCount += st.releaseDueSteps.run(t.run_at, t.task_id).changes;
  // tasks with concurrency limits take or queue for their slots instead
  reconcileGates(
    tx,
    due.filter((t) => t.gates === 1).map((t) => t.task_id),
    SYSTEM_ACTOR,
  );
  return due.length;
}
