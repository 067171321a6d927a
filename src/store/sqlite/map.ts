// Map fan-out on SQLite (core/store-dynamic.ts), inside a completion's write transaction: a held mapped step expands
// into its instances (an `expand` outcome) or is skipped (a `skipped` outcome: its list's source step was skipped);
// and the read of a mapped step's instances (`mapState`). The instances are plain steps: the readiness machinery
// (edges, unmet counters) makes the mapped step claimable again once every instance is satisfied, and keeps the
// task's counters O(1) per instance.
import type { MapState, SkippedStep, StepOutcome } from '../../core/store-contract.js';
import { SATISFYING_STEP_STATES, type StepState } from '../../core/states.js';
import { decodeJson } from '../shared/json.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { Statements } from './statements.js';
import type { SqliteTx, StepRow } from './tx.js';

type Expand = Extract<StepOutcome, { type: 'expand' }>;
type Skip = Extract<StepOutcome, { type: 'skipped' }>;

/** Insert the instances of held step `row` with their edges, and hand the step back pending on them. */
export function applyExpand(tx: SqliteTx, row: StepRow, o: Expand): void {
  const { st, now } = tx;
  const count = o.count;
  const lanes = o.max_parallel === null ? count : Math.min(o.max_parallel, count);
  st.insertInstances.run({ count, lanes, now, parent: row.step_id });
  st.insertMapEdges.run(row.step_id, row.step_id);
  if (lanes < count) st.insertLaneEdges.run({ lanes, parent: row.step_id });
  tx.stepHistory(row, 'pending', { reason: REASONS.mapExpanded(count), attempt: row.attempts });
  st.parkMapped.run(count, count, row.step_id);
  st.addSteps.run(count, row.task_id);
  // The step leaves the open steps (pending on its instances); its first `lanes` instances join them.
  tx.adjust(row.task_id, lanes - 1);
  tx.readyCount += lanes;
}

/** Skip held step `row`: it satisfies its dependents, which then run as after any skipped step. */
export function applySkip(tx: SqliteTx, row: StepRow, o: Skip, skipped: SkippedStep[]): void {
  tx.stepHistory(row, 'skipped', { reason: o.reason, attempt: row.attempts });
  tx.st.closeStep.run('skipped', null, tx.now, row.step_id);
  tx.adjust(row.task_id, -1);
  tx.satisfied(row.step_id, row.task_id, 'skipped');
  skipped.push({ step_id: row.step_id, task_id: row.task_id, name: row.name });
}

/**
 * A rerun resets mapped steps: their instances (`dropped`) go, with their edges and history, and the task's step
 * count with them; the steps forget their map (`reset`: the reset steps' ids).
 */
export function dropMaps(tx: SqliteTx, taskId: number, dropped: readonly number[], reset: readonly number[]): void {
  const { st } = tx;
  if (reset.length) st.clearMaps.run(JSON.stringify(reset));
  if (!dropped.length) return;
  const ids = JSON.stringify(dropped);
  st.dropInstanceHistory.run(taskId, ids);
  st.dropInstanceEdges.run(ids);
  st.dropInstances.run(ids);
  st.addSteps.run(-dropped.length, taskId);
}

/** A mapped step's instances in item order (a read outside any write transaction). */
export function readMapState(st: Statements, stepId: number): MapState {
  const row = st.mapSize.get(stepId) as { map_size: number | null } | undefined;
  if (!row || row.map_size === null) return { size: null, results: [], open: 0 };
  const rows = st.mapInstances.all(stepId) as Array<{ state: StepState; results: string | null }>;
  let open = 0;
  const results = rows.map((r) => {
    if (!SATISFYING_STEP_STATES.has(r.state)) open += 1;
    return decodeJson(r.results);
  });
  return { size: row.map_size, results, open };
}
