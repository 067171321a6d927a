// Migration 2: the hot path in one round trip, and fewer writes per step. Installs the completion function
// (complete-function.ts); drops the foreign keys of step_edges, whose rows only createTask writes, from ids it has
// just inserted, and which are never deleted (each edge cost two FK lookups at creation: half of a 1,000-way fan-out's
// creation time); drops the per-worker index of running steps, which every claim and completion had to maintain and
// which let the planner pick a nested loop over all of a worker's running steps (per-worker reclaims, rare, scan the
// running-lease index instead); drops the per-step index of transitions (history is always read by task, and every
// claim and completion writes a history row); and leaves a fifth of each tasks page free, so the per-batch counter
// updates of a running task can be HOT updates (no new entry in any of its six indexes).
import { completeFunctionDdl } from './complete-function.js';
import type { SchemaNames } from './sql.js';

export function schemaV2(n: SchemaNames): string[] {
  return [
    `ALTER TABLE ${n.edges} DROP CONSTRAINT IF EXISTS step_edges_parent_step_id_fkey`,
    `ALTER TABLE ${n.edges} DROP CONSTRAINT IF EXISTS step_edges_child_step_id_fkey`,
    `DROP INDEX IF EXISTS ${n.q}.steps_running_worker_idx`,
    `DROP INDEX IF EXISTS ${n.q}.transitions_step_idx`,
    `ALTER TABLE ${n.tasks} SET (fillfactor = 80)`,
    completeFunctionDdl(n),
  ];
}
