// Read side of the PostgreSQL store: a task with its steps and annotations (one statement, one snapshot), task
// contexts, step snapshots, history, unfinished tasks, the next retry time and stats.
import type { StepState, TaskState } from '../../core/states.js';
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
import { mapStepRow, mapTaskSummary, mapTransitionRow, mapWorkerRow, num } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { stepColumns, taskColumns } from './hot-statements.js';
import { run, type NamedStatement } from './pool.js';
import { ms, type SchemaNames } from './sql.js';

type Row = Record<string, unknown>;

/** Some live worker (seen within its lease, 30 s when it did not say) can run task t's template. */
function runnable(n: SchemaNames): string {
  return `EXISTS (SELECT 1 FROM ${n.workers} w
                   WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                     AND (w.capabilities IS NULL OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities)))`;
}

/** `pg` already parses json/jsonb and arrays; values pass through as they are. */
export const pgDecode = (value: unknown): unknown => (value === undefined ? null : value);

export function readStatements(n: SchemaNames) {
  // Names need only be unique per connection, and each pool serves one schema.
  const named = (name: string, text: string): NamedStatement => ({ name: `tasker_${name}`, text });
  return {
    task: named(
      'read_task',
      `SELECT ${taskColumns('t')}, t.context, t.needs_plan, ${runnable(n)} AS runnable,
         (SELECT coalesce(json_agg(row_to_json(s) ORDER BY s.step_id), '[]'::json)
            FROM (SELECT ${stepColumns('x')}, (x.ready_at IS NOT NULL AND x.ready_at <= now()) AS ready_now
                    FROM ${n.steps} x WHERE x.task_id = t.task_id) s) AS steps,
         (SELECT coalesce(json_agg(json_build_object('annotation_type', a.annotation_type, 'content', a.content,
                                                     'created_at', ${ms('a.created_at')}) ORDER BY a.annotation_id),
                          '[]'::json)
            FROM ${n.annotations} a WHERE a.task_id = t.task_id) AS annotations
       FROM ${n.tasks} t WHERE t.task_id = $1`,
    ),
    contexts: named(
      'read_contexts',
      `SELECT task_id, context, initiator, source_system, reason, tags FROM ${n.tasks} WHERE task_id = ANY($1::bigint[])`,
    ),
    snapshots: named(
      'read_snapshots',
      `SELECT ${stepColumns('s')}
         FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS r(task_id, name, ord)
         JOIN ${n.steps} s ON s.task_id = r.task_id AND s.name = r.name
        ORDER BY r.ord`,
    ),
    historyOfTask: named(
      'read_history',
      `SELECT tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, ${ms('tr.at')} AS at, tr.reason,
              tr.attempt, tr.actor, tr.error
         FROM ${n.transitions} tr LEFT JOIN ${n.steps} s ON s.step_id = tr.step_id
        WHERE tr.task_id = $1 AND ($2::bigint IS NULL OR tr.step_id = $2)
        ORDER BY tr.transition_id`,
    ),
    findTaskByKey: named('read_task_by_key', `SELECT task_id FROM ${n.tasks} WHERE idempotency_key = $1`),
    unfinished: named(
      'read_unfinished',
      `SELECT task_id FROM ${n.tasks} WHERE state IN ('pending', 'running') ORDER BY task_id LIMIT $1`,
    ),
    nextRetryAt: named(
      'read_next_retry',
      `SELECT ${ms('min(ready_at)')} AS at FROM ${n.steps} WHERE ready_at IS NOT NULL AND ready_at > now()`,
    ),
    tasksByState: named('read_tasks_by_state', `SELECT state, count(*)::integer AS n FROM ${n.tasks} GROUP BY state`),
    stepsByState: named('read_steps_by_state', `SELECT state, count(*)::integer AS n FROM ${n.steps} GROUP BY state`),
    readyDepth: named(
      'read_ready_depth',
      `SELECT count(*)::integer AS n FROM ${n.steps} WHERE ready_at IS NOT NULL AND ready_at <= now()`,
    ),
    waitingForWorker: named(
      'read_waiting_for_worker',
      `SELECT count(*)::integer AS n FROM ${n.steps} s JOIN ${n.tasks} t ON t.task_id = s.task_id
        WHERE s.ready_at IS NOT NULL AND s.ready_at <= now() AND t.state = 'running' AND NOT ${runnable(n)}`,
    ),
    ping: named('ping', 'SELECT 1 AS ok'),
  };
}

export type ReadStatements = ReturnType<typeof readStatements>;

export class PgReads {
  constructor(
    private readonly ctx: PgContext,
    private readonly st: ReadStatements,
  ) {}

  async getTask(taskId: TaskId): Promise<TaskRecord | null> {
    const [row] = await run<Row>(this.ctx.pool, this.st.task, [taskId]);
    if (!row) return null;
    const annotations = (row.annotations as Row[]).map((a) => ({
      annotation_type: String(a.annotation_type),
      content: a.content ?? null,
      created_at: num(a.created_at),
    }));
    const summary = mapTaskSummary(row, pgDecode);
    const waits = summary.current_state === 'running' && row.runnable !== true;
    const steps = (row.steps as Row[]).map((s) => {
      const step = mapStepRow(s, pgDecode);
      if (waits && s.ready_now === true && (step.current_state === 'pending' || step.current_state === 'retrying')) {
        step.waiting_for = 'worker';
      }
      return step;
    });
    return {
      ...summary,
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
    const rows = await run<Row>(this.ctx.pool, this.st.contexts, [ids]);
    const byId = new Map(rows.map((r) => [num(r.task_id), r]));
    for (const id of ids) {
      const r = byId.get(id);
      if (!r) continue;
      out.set(id, {
        context: r.context ?? null,
        initiator: (r.initiator as string | null) ?? null,
        source_system: (r.source_system as string | null) ?? null,
        reason: (r.reason as string | null) ?? null,
        tags: (r.tags as string[] | null) ?? [],
      });
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
    const rows = await run<Row>(this.ctx.pool, this.st.snapshots, [taskIds, names]);
    return rows.map((r) => mapStepRow(r, pgDecode));
  }

  async getHistory(taskId: TaskId, stepId?: StepId): Promise<TransitionRecord[]> {
    const rows = await run<Row>(this.ctx.pool, this.st.historyOfTask, [taskId, stepId ?? null]);
    return rows.map((r) => mapTransitionRow(r, pgDecode));
  }

  async findTaskByIdempotencyKey(key: string): Promise<TaskId | null> {
    const [row] = await run<{ task_id: number }>(this.ctx.pool, this.st.findTaskByKey, [key]);
    return row?.task_id ?? null;
  }

  async listUnfinishedTaskIds(limit?: number): Promise<TaskId[]> {
    const rows = await run<{ task_id: number }>(this.ctx.pool, this.st.unfinished, [limit ?? null]);
    return rows.map((r) => r.task_id);
  }

  async nextRetryAt(): Promise<number | null> {
    const [row] = await run<{ at: number | null }>(this.ctx.pool, this.st.nextRetryAt);
    return row?.at ?? null;
  }

  async ping(): Promise<void> {
    await run(this.ctx.pool, this.st.ping);
  }

  async stats(): Promise<StoreStats> {
    const [tasks, steps, ready, waiting, workers] = await Promise.all([
      run<{ state: TaskState; n: number }>(this.ctx.pool, this.st.tasksByState),
      run<{ state: StepState; n: number }>(this.ctx.pool, this.st.stepsByState),
      run<{ n: number }>(this.ctx.pool, this.st.readyDepth),
      run<{ n: number }>(this.ctx.pool, this.st.waitingForWorker),
      run<Row>(this.ctx.pool, this.ctx.write.listWorkers),
    ]);
    const tasksByState: Partial<Record<TaskState, number>> = {};
    for (const r of tasks) tasksByState[r.state] = r.n;
    const stepsByState: Partial<Record<StepState, number>> = {};
    for (const r of steps) stepsByState[r.state] = r.n;
    return {
      tasks_by_state: tasksByState,
      steps_by_state: stepsByState,
      ready_depth: ready[0]?.n ?? 0,
      waiting_for_worker: waiting[0]?.n ?? 0,
      workers: workers.map((w) => mapWorkerRow(w, pgDecode)),
    };
  }
}
