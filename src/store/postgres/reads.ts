// Read side of the PostgreSQL store: a task with its steps and annotations (one statement, one snapshot), task
// contexts, step snapshots, history, unfinished tasks, the next retry time and stats (statements: sql/reads.ts,
// sql/stats.ts).
import type {
  StepId,
  StepRecord,
  StepSnapshotRequest,
  StoreStats,
  TaskContextRecord,
  TaskId,
  TaskRecord,
  TransitionRecord,
} from '../../core/store-contract.js';
import {
  heldStepWait,
  taskRateWait,
  mapStepRow,
  mapTaskSummary,
  mapTransitionRow,
  num,
  numOrNull,
} from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import { readStats } from './stats.js';
import type { PgStatements } from './sql/index.js';

type Row = Record<string, unknown>;

/** `pg` already parses json/jsonb and arrays; values pass through as they are. */
export const pgDecode = (value: unknown): unknown => (value === undefined ? null : value);

export class PgReads {
  private readonly st: PgStatements;

  constructor(private readonly ctx: PgContext) {
    this.st = ctx.sql;
  }

  async getTask(taskId: TaskId): Promise<TaskRecord | null> {
    const [row] = await run<Row>(this.ctx.pool, this.st.readTask, [taskId]);
    if (!row) return null;
    const annotations = (row.annotations as Row[]).map((a) => ({
      annotation_type: String(a.annotation_type),
      content: a.content ?? null,
      created_at: num(a.created_at),
    }));
    const summary = mapTaskSummary(row, pgDecode);
    const unfinished = summary.current_state === 'running' || summary.current_state === 'pending';
    const waits = unfinished && row.runnable !== true;
    const steps = (row.steps as Row[]).map((s) => {
      const step = mapStepRow(s, pgDecode);
      if (waits && s.ready_now === true && (step.current_state === 'pending' || step.current_state === 'retrying')) {
        step.waiting_for = 'worker';
      }
      const readyAt = s.ready_at === null || s.ready_at === undefined ? null : num(s.ready_at);
      const held = heldStepWait(summary.waiting_for, {
        state: step.current_state,
        unmet: num(s.unmet),
        ready_at: readyAt,
        gate: s.gate,
        rate_wait: s.rate_wait,
        wait_kind: s.wait_kind,
        wait_key: s.wait_key,
        attempts: step.attempts,
        run: summary.run,
      });
      if (held) step.waiting_for = held;
      return step;
    });
    summary.waiting_for = taskRateWait(summary, steps);
    return {
      ...summary,
      scheduled_for: numOrNull(row.scheduled_for),
      parent_task_id: numOrNull(row.parent_task_id),
      parent_step_id: numOrNull(row.parent_step_id),
      planned: row.needs_plan !== true,
      context: row.context ?? null,
      annotations,
      workflow_steps: steps,
    };
  }

  async getTaskContexts(taskIds: TaskId[]): Promise<Map<TaskId, TaskContextRecord>> {
    const out = new Map<TaskId, TaskContextRecord>();
    const ids = [...new Set(taskIds)];
    if (ids.length === 0) return out;
    const rows = await run<Row>(this.ctx.pool, this.st.readContexts, [ids]);
    const byId = new Map(rows.map((r) => [num(r.task_id), r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (!r) continue;
      out.set(id, mapContextRow(r));
    }
    return out;
  }

  async getStepSnapshots(requests: StepSnapshotRequest[]): Promise<StepRecord[]> {
    const taskIds: number[] = [];
    const names: string[] = [];
    for (const req of requests) {
      for (const name of new Set(req.names)) {
        taskIds.push(req.task_id);
        names.push(name);
      }
    }
    if (names.length === 0) return [];
    const rows = await run<Row>(this.ctx.pool, this.st.readSnapshots, [taskIds, names]);
    return rows.map((r) => mapStepRow(r, pgDecode));
  }

  async getHistory(taskId: TaskId, stepId?: StepId): Promise<TransitionRecord[]> {
    const rows = await run<Row>(this.ctx.pool, this.st.readHistory, [taskId, stepId ?? null]);
    return rows.map((r) => mapTransitionRow(r, pgDecode));
  }

  async findTaskByIdempotencyKey(key: string): Promise<TaskId | null> {
    const [row] = await run<{ task_id: number }>(this.ctx.pool, this.st.findTaskByKey, [key]);
    return row?.task_id ?? null;
  }

  async listUnfinishedTaskIds(limit?: number): Promise<TaskId[]> {
    const rows = await run<{ task_id: number }>(this.ctx.pool, this.st.readUnfinished, [limit ?? null]);
    return rows.map((r) => r.task_id);
  }

  async nextRetryAt(): Promise<number | null> {
    const [row] = await run<{ at: number | null }>(this.ctx.pool, this.st.readNextRetry);
    return row?.at ?? null;
  }

  async ping(): Promise<void> {
    await run(this.ctx.pool, this.st.ping);
  }

  /** Counts exact up to `estimateAbove` rows per table, estimated above (./stats.ts). */
  stats(estimateAbove: number): Promise<StoreStats> {
    return readStats(this.ctx, estimateAbove);
  }
}

/**
 * A task's context and request fields from a row of `read_contexts`, or from the `task_context` json the claim
 * statement returns for the step that started its task (sql/claim.ts): the same fields, the same defaults.
 */
export function mapContextRow(r: Row): TaskContextRecord {
  return {
    context: r.context ?? null,
    initiator: (r.initiator as string | null) ?? null,
    source_system: (r.source_system as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    tags: (r.tags as string[] | null) ?? [],
    trace_context: (r.trace_context as string | null) ?? null,
    scheduled_for: numOrNull(r.scheduled_for),
  };
}
