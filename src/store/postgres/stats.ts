// stats() on PostgreSQL, cheap at any size: counts by state are exact while a table holds at most `estimateAbove`
// rows (the planner's estimate) and the column statistics' estimates above that, so a scrape of a store with
// millions of tasks never counts them; the ready depth and the oldest claimable step's age walk the claimable
// index only; workers are one small table.
import type { StepState, TaskState } from '../../core/states.js';
import type { StoreStats } from '../../core/store-contract.js';
import { mapWorkerRow } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';

/** Tables of more rows than this (by the planner's estimate) have their counts by state estimated. */
export const ESTIMATE_ABOVE = 200_000;

type Counts<S extends string> = Partial<Record<S, number>>;

/** `pg` already parses json and arrays (the same as reads.ts's pgDecode). */
const asIs = (value: unknown): unknown => (value === undefined ? null : value);

export async function readStats(ctx: PgContext, estimateAbove: number): Promise<StoreStats> {
  const { pool, sql: st } = ctx;
  const schema = ctx.names.schema;
  const sizes = await run<{ tbl: string; n: number }>(pool, st.tableSizes, [schema]);
  const large = (tbl: string) => (sizes.find((r) => r.tbl === tbl)?.n ?? -1) > estimateAbove;
  const estimateTasks = large('tasks');
  const estimateSteps = large('steps');
  const none = Promise.resolve([]);
  const [tasks, steps, estimates, ready, waiting, workers] = await Promise.all([
    estimateTasks ? none : run<{ state: TaskState; n: number }>(pool, st.tasksByState),
    estimateSteps ? none : run<{ state: StepState; n: number }>(pool, st.stepsByState),
    estimateTasks || estimateSteps
      ? run<{ tbl: string; state: string; n: number }>(pool, st.stateEstimates, [schema])
      : none,
    run<{ n: number; oldest_ms: number }>(pool, st.readyDepth),
    run<{ n: number }>(pool, st.waitingForWorker),
    run<Record<string, unknown>>(pool, st.listWorkers),
  ]);
  const tasksByState: Counts<TaskState> = {};
  const stepsByState: Counts<StepState> = {};
  for (const r of tasks) tasksByState[r.state] = r.n;
  for (const r of steps) stepsByState[r.state] = r.n;
  let estimated = false;
  for (const r of estimates) {
    if (r.tbl === 'tasks' && estimateTasks) tasksByState[r.state as TaskState] = r.n;
    if (r.tbl === 'steps' && estimateSteps) stepsByState[r.state as StepState] = r.n;
    estimated = true;
  }
  // A large table without column statistics yet (vacuumed, never analysed): counted until ANALYZE has run.
  if (estimateTasks && !estimates.some((r) => r.tbl === 'tasks')) {
    for (const r of await run<{ state: TaskState; n: number }>(pool, st.tasksByState)) tasksByState[r.state] = r.n;
  }
  if (estimateSteps && !estimates.some((r) => r.tbl === 'steps')) {
    for (const r of await run<{ state: StepState; n: number }>(pool, st.stepsByState)) stepsByState[r.state] = r.n;
  }
  return {
    tasks_by_state: tasksByState,
    steps_by_state: stepsByState,
    counts_estimated: estimated,
    ready_depth: ready[0]?.n ?? 0,
    oldest_ready_age_ms: Math.max(0, Math.round(ready[0]?.oldest_ms ?? 0)),
    waiting_for_worker: waiting[0]?.n ?? 0,
    workers: workers.map((w) => mapWorkerRow(w, asIs)),
  };
}
