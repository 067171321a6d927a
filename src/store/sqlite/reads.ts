// Read side of the SQLite store: a task with its steps and annotations, step snapshots, history, paged task
// lists (keyset pagination, sql/list-tasks.ts; statements for each filter shape are prepared once and cached), and
// stats.
import type { Database, Statement } from 'better-sqlite3';
import type { StepState, TaskState } from '../../core/states.js';
import type {
  StepId,
  StepRecord,
  StepSnapshotRequest,
  StoreStats,
  TaskContextRecord,
  TaskId,
  TaskListFilter,
  TaskPage,
  TaskRecord,
  TransitionRecord,
} from '../../core/store-contract.js';
import { decodeJson } from '../shared/json.js';
import { finishPage, normalizeListFilter } from '../shared/list-query.js';
import {
  heldStepWait,
  taskRateWait,
  isClaimableNow,
  mapStepRow,
  mapTaskContext,
  mapTaskSummary,
  mapTransitionRow,
  mapWorkerRow,
  num,
  numOrNull,
} from '../shared/row-mappers.js';
import { listTasksQuery } from './sql/list-tasks.js';
import type { Statements } from './statements.js';

type Row = Record<string, unknown>;

export class SqliteReads {
  private readonly listStatements = new Map<string, Statement<unknown[], unknown>>();

  constructor(
    private readonly db: Database,
    private readonly st: Statements,
  ) {}

  getTask(taskId: TaskId): TaskRecord | null {
    const row = this.st.taskRow.get(taskId) as Row | undefined;
    if (!row) return null;
    const { context } = mapTaskContext(this.st.taskContext.get(taskId) as Row);
    const annotations = (this.st.annotationsOfTask.all(taskId) as Row[]).map((a) => ({
      annotation_type: String(a.annotation_type),
      content: decodeJson(a.content),
      created_at: num(a.created_at),
    }));
    const summary = mapTaskSummary(row);
    const now = Date.now();
    const unfinished = summary.current_state === 'running' || summary.current_state === 'pending';
    const runnable = !unfinished || (this.st.taskRunnable.get(now, taskId) as { ok: number }).ok === 1;
    const steps = (this.st.stepsOfTask.all(taskId) as Row[]).map((r) => {
      const step = mapStepRow(r);
      const readyAt = numOrNull(r.ready_at);
      if (!runnable && isClaimableNow(step.current_state, readyAt, now)) step.waiting_for = 'worker';
      const held = heldStepWait(summary.waiting_for, {
        state: step.current_state,
        unmet: num(r.unmet),
        ready_at: readyAt,
        gate: r.gate,
        rate_wait: r.rate_wait,
        wait_kind: r.wait_kind,
        wait_key: r.wait_key,
        attempts: step.attempts,
        run: summary.run,
      });
      if (held) step.waiting_for = held;
      return step;
    });
    const scheduled_for = numOrNull(row.scheduled_for);
    summary.waiting_for = taskRateWait(summary, steps);
    return {
      ...summary,
      scheduled_for,
      parent_task_id: numOrNull(row.parent_task_id),
      parent_step_id: numOrNull(row.parent_step_id),
      planned: row.needs_plan !== 1,
      context,
      annotations,
      workflow_steps: steps,
    };
  }

  getTaskContexts(taskIds: TaskId[]): Map<TaskId, TaskContextRecord> {
    const out = new Map<TaskId, TaskContextRecord>();
    for (const id of new Set(taskIds)) {
      const row = this.st.taskContext.get(id) as Row | undefined;
      if (row) out.set(id, mapTaskContext(row));
    }
    return out;
  }

  getStepSnapshots(requests: StepSnapshotRequest[]): StepRecord[] {
    const out: StepRecord[] = [];
    for (const req of requests) {
      for (const name of new Set(req.names)) {
        const row = this.st.stepByName.get(req.task_id, name) as Row | undefined;
        if (row) out.push(mapStepRow(row));
      }
    }
    return out;
  }

  getHistory(taskId: TaskId, stepId?: StepId): TransitionRecord[] {
    const rows = (
      stepId === undefined ? this.st.historyOfTask.all(taskId) : this.st.historyOfStep.all(taskId, stepId)
    ) as Row[];
    return rows.map((r) => mapTransitionRow(r));
  }

  listTasks(filter: TaskListFilter): TaskPage {
    const f = normalizeListFilter(filter);
    const { sql, params } = listTasksQuery(f);
    let stmt = this.listStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.listStatements.set(sql, stmt);
    }
    const rows = (stmt.all(...params) as Row[]).map((r) => mapTaskSummary(r));
    return finishPage(rows, f);
  }

  stats(now: number): StoreStats {
    const tasks: Partial<Record<TaskState, number>> = {};
    for (const r of this.st.tasksByState.all() as Array<{ state: TaskState; n: number }>) tasks[r.state] = r.n;
    const steps: Partial<Record<StepState, number>> = {};
    for (const r of this.st.stepsByState.all() as Array<{ state: StepState; n: number }>) steps[r.state] = r.n;
    const { n: ready, oldest } = this.st.readyDepth.get(now, now) as { n: number; oldest: number | null };
    const waiting = ready === 0 ? 0 : (this.st.waitingForWorker.get(now, now, now) as { n: number }).n;
    const workers = (this.st.listWorkers.all() as Row[]).map((w) => mapWorkerRow(w));
    return {
      tasks_by_state: tasks,
      steps_by_state: steps,
      counts_estimated: false,
      ready_depth: ready,
      oldest_ready_age_ms: oldest === null ? 0 : Math.max(0, now - oldest),
      waiting_for_worker: waiting,
      workers,
    };
  }
}
