// Map fan-out on PostgreSQL (core/store-dynamic.ts): `expand` and `skipped` outcomes go in a transaction of their
// own, before the completion function takes the rest of a batch (like parks): lock the tasks, then each held step,
// then expand it into its instances (one statement inserts them and their edges) or skip it (it satisfies its
// dependents), adjust counters, finalise, NOTIFY. And the read of a mapped step's instances (`mapState`).
import type { FinalizedTask, MapState, SkippedStep, StepOutcome } from '../../core/store-contract.js';
import { SATISFYING_STEP_STATES, type StepState } from '../../core/states.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { PgContext } from './context.js';
import { run, withTransaction } from './pool.js';
import { PgTx } from './tx.js';

export type MapOutcome = Extract<StepOutcome, { type: 'expand' } | { type: 'skipped' }>;

export interface MapApplied {
  applied: number[];
  ready: number;
  skipped: SkippedStep[];
  finalized: FinalizedTask[];
}

interface HeldRow {
  step_id: number;
  task_id: number;
  name: string;
  state: StepState;
  attempts: number;
}

/** Apply expand and skipped outcomes of held steps in one transaction; stale ones are left out of `applied`. */
export async function applyMapOutcomes(
  ctx: PgContext,
  workerId: string,
  outcomes: readonly MapOutcome[],
): Promise<MapApplied> {
  const sorted = [...outcomes].sort((a, b) => a.step_id - b.step_id);
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const tx = new PgTx(client, ctx, workerId);
    await tx.lockTasks(sorted.map((o) => o.task_id));
    const applied: number[] = [];
    const skipped: SkippedStep[] = [];
    for (const o of sorted) {
      const [row] = await run<HeldRow>(client, ctx.sql.heldStepForUpdate, [o.step_id, workerId, o.attempt]);
      if (!row || Number(row.task_id) !== o.task_id) continue;
      const step = { step_id: o.step_id, task_id: o.task_id };
      if (o.type === 'expand') {
        const lanes = o.max_parallel === null ? o.count : Math.min(o.max_parallel, o.count);
        await run(client, ctx.sql.insertInstances, [o.step_id, o.count, lanes]);
        await tx.history([
          { ...step, from: 'running', to: 'pending', reason: REASONS.mapExpanded(o.count), attempt: row.attempts },
        ]);
        await run(client, ctx.sql.parkMapped, [o.step_id, o.count]);
        await run(client, ctx.sql.addSteps, [o.task_id, o.count]);
        tx.adjust(o.task_id, lanes - 1);
        tx.readyCount += lanes;
      } else {
        await tx.history([{ ...step, from: 'running', to: 'skipped', reason: o.reason, attempt: row.attempts }]);
        await run(client, ctx.sql.settleStep, [o.step_id, 'skipped', null]);
        tx.adjust(o.task_id, -1, 1);
        await tx.satisfyChildren([o.step_id]);
        skipped.push({ ...step, name: row.name });
      }
      applied.push(o.step_id);
    }
    const finalized = await tx.finalizeTouched();
    await tx.notifyIfReady();
    return { applied, ready: tx.readyCount, skipped, finalized };
  });
}

export async function readMapState(ctx: PgContext, stepId: number): Promise<MapState> {
  const rows = await run<{ map_size: number | null; state: StepState | null; results: unknown }>(
    ctx.pool,
    ctx.sql.readMapState,
    [stepId],
  );
  const size = rows[0]?.map_size ?? null;
  if (size === null) return { size: null, results: [], open: 0 };
  let open = 0;
  const results: unknown[] = [];
  for (const r of rows) {
    if (r.state === null) continue;
    if (!SATISFYING_STEP_STATES.has(r.state)) open += 1;
    results.push(r.results ?? null);
  }
  return { size: Number(size), results, open };
}
