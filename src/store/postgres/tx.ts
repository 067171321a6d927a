// The write half of one PostgreSQL transaction: task locks taken in id order (so writers never deadlock on
// each other), per-task counter deltas applied in one statement that also finalises finished tasks exactly once,
// set-based release of children, and one NOTIFY per transaction that made steps claimable.
import { CounterDeltas } from '../shared/counter-deltas.js';
import type pg from 'pg';
import { assertStepTransition, assertTaskTransition, type StepState, type TaskState } from '../../core/states.js';
import type { FinalizedTask, StepError, TaskId } from '../../core/store-contract.js';
import { jsonbDiagnostic } from './jsonb.js';
import { mapFinalizedTask } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';

/** One history row written by JS-driven code paths (set-based statements write their own). */
export interface HistoryRow {
  task_id: TaskId;
  step_id: number | null;
  from: string;
  to: string;
  reason: string | null;
  attempt?: number | null;
  actor?: string | null;
  error?: StepError | null;
}

export class PgTx {
  /** Steps that became claimable in this transaction (wake-up hint). */
  readyCount = 0;
  private readonly deltas = new CounterDeltas();

  constructor(
    readonly client: pg.PoolClient,
    readonly ctx: PgContext,
    /** Actor of the task history rows this transaction writes (finalisations). */
    readonly actor: string | null,
  ) {}

  /** Lock task rows in id order; returns the state of each task found. */
  async lockTasks(taskIds: Iterable<TaskId>): Promise<Map<TaskId, TaskState>> {
    const ids = [...new Set(taskIds)].sort((a, b) => a - b);
    const out = new Map<TaskId, TaskState>();
    if (ids.length === 0) return out;
    const rows = await run<{ task_id: number; state: TaskState }>(this.client, this.ctx.sql.lockTasks, [ids]);
    for (const r of rows) out.set(r.task_id, r.state);
    return out;
  }

  /** Check each transition is legal, then write the rows in one statement (actor defaults to the tx actor). */
  async history(rows: HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const r of rows) {
      if (r.step_id === null) assertTaskTransition(r.from as TaskState, r.to as TaskState);
      else assertStepTransition(r.from as StepState, r.to as StepState);
    }
    await run(this.client, this.ctx.sql.insertHistory, [
      rows.map((r) => r.task_id),
      rows.map((r) => r.step_id),
      rows.map((r) => r.from),
      rows.map((r) => r.to),
      rows.map((r) => r.reason),
      rows.map((r) => r.attempt ?? null),
      rows.map((r) => (r.actor === undefined ? this.actor : r.actor)),
      rows.map((r) => (r.error ? jsonbDiagnostic(r.error, 'step error') : null)),
    ]);
  }

  /** The counter change recorded so far for a task (not yet applied). */
  pendingDelta(taskId: TaskId): { open: number; satisfied: number } {
    return this.deltas.get(taskId) ?? { open: 0, satisfied: 0 };
  }

  /** Record counter changes of a task; applied (and checked for finalisation) by `finalizeTouched`. */
  adjust(taskId: TaskId, open: number, satisfied = 0): void {
    this.deltas.adjust(taskId, open, satisfied);
  }

  /** Mark a task to be checked for finalisation even if its counters did not move. */
  touch(taskId: TaskId): void {
    this.deltas.touch(taskId);
  }

  /**
   * These steps just reached a satisfying state (the caller counted them with `adjust(task, …, 1)`): decrement
   * their children's unmet counters at once and count the children that became claimable.
   */
  async satisfyChildren(stepIds: number[]): Promise<void> {
    if (stepIds.length === 0) return;
    const rows = await run<{ step_id: number; task_id: number }>(this.client, this.ctx.sql.satisfyChildren, [stepIds]);
    for (const r of rows) {
      this.adjust(r.task_id, 1);
      this.readyCount += 1;
    }
  }

  /**
   * Apply all counter deltas and finalise every running task whose open steps reached 0, then take the ready steps
   * of touched paused tasks out of the claim index. The caller must hold the task locks (`lockTasks`), so exactly
   * one transaction sees each task leave `running`.
   */
  async finalizeTouched(): Promise<FinalizedTask[]> {
    if (this.deltas.size === 0) return [];
    const ids: number[] = [];
    const open: number[] = [];
    const satisfied: number[] = [];
    const ord: number[] = [];
    for (const [taskId, d] of this.deltas) {
      ids.push(taskId);
      open.push(d.open);
      satisfied.push(d.satisfied);
      ord.push(ord.length);
    }
    this.deltas.clear();
    const rows = await run<Record<string, unknown>>(this.client, this.ctx.sql.finalize, [
      ids,
      open,
      satisfied,
      this.actor,
      ord,
      [], // children were released by satisfyChildren; the completion function passes its own
    ]);
    const out: FinalizedTask[] = [];
    const paused: number[] = [];
    const gated: number[] = [];
    for (const r of rows) {
      if (r.finalized) out.push(mapFinalizedTask(r, r.state as FinalizedTask['state'], Number(r.completed_at)));
      else if (Number(r.paused) !== 0) paused.push(Number(r.task_id));
      else this.readyCount += Number(r.readied);
      if (r.gates === true) gated.push(Number(r.task_id));
    }
    // Paused tasks (flow control): nothing this transaction made ready in them may be claimed before a resume.
    if (paused.length > 0) await run(this.client, this.ctx.sql.holdSteps, [paused]);
    // Tasks with concurrency limits: slots given back go to the next in line, readied steps take or queue for one.
    await this.reconcileGates(gated);
    return out;
  }

  /** Reconcile the concurrency slots of these tasks (those without limits are skipped by the function itself). */
  async reconcileGates(taskIds: number[]): Promise<void> {
    if (taskIds.length === 0) return;
    const [r] = await run<{ ready: number }>(this.client, this.ctx.sql.reconcileGates, [taskIds, this.actor]);
    this.readyCount += r?.ready ?? 0;
  }

  /** One NOTIFY for the whole transaction (delivered at commit), when it made steps claimable. */
  async notifyIfReady(force = false): Promise<void> {
    if (this.readyCount > 0 || force) await run(this.client, this.ctx.sql.notify, [this.ctx.names.channel]);
  }
}
