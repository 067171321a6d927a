// pruneTasks on SQLite: the shared loop (../shared/prune-plan.ts) over the statements of sql/prune.ts. Each batch is
// one IMMEDIATE transaction (the write lock, held for that batch only): it selects the oldest eligible tasks of a
// state — inside the transaction, so a task rerun or retried since is no longer taken — and deletes their rows
// children first; a read outside the transaction first skips a state with nothing eligible. Foreign key enforcement is off for the batch (it cannot change inside a transaction): deleting a
// step would otherwise scan `step_edges` and `transitions` for rows pointing at it (neither has an index on the step
// it references, and adding one would cost every claim and completion an index write); the children are deleted
// first, so nothing is left dangling.
import type { Database } from 'better-sqlite3';
import type { PruneRequest, PruneResult } from '../../core/store-contract.js';
import { pruneSet, runPrune, type PrunedRows, type PruneTarget } from '../shared/prune-plan.js';
import type { Statements } from './statements.js';

type Immediate = (fn: () => unknown) => unknown;

type Batch = PrunedRows & { last: number | null };

const NOTHING: Batch = { tasks: 0, steps: 0, step_edges: 0, transitions: 0, annotations: 0, last: null };

function batch(
  db: Database,
  st: Statements,
  immediate: Immediate,
  target: PruneTarget,
  limit: number,
  after: number | null,
): Batch {
  const where = { state: target.state, cutoff: target.cutoff, after: after ?? 0 };
  // A probe outside any transaction first: a state with nothing eligible costs one index seek, no write lock and no
  // switch of the foreign key setting (which makes SQLite compile every prepared statement again on its next use).
  if (!st.pruneCandidates.get({ ...where, limit: 1 })) return NOTHING;
  db.pragma('foreign_keys = OFF');
  try {
    return immediate(() => {
      const candidates = st.pruneCandidates.all({ ...where, limit }) as Array<{
        task_id: number;
      }>;
      if (candidates.length === 0) return NOTHING;
      const roots = candidates.map((c) => c.task_id);
      const tree = st.pruneTree.all({ ids: JSON.stringify(roots) }) as Array<{
        root: number;
        task_id: number;
        state: string;
      }>;
      const ids = { ids: JSON.stringify(pruneSet(roots, tree)) };
      st.pruneSignals.run(ids);
      const step_edges = st.pruneEdges.run(ids).changes;
      const transitions = st.pruneTransitions.run(ids).changes;
      const annotations = st.pruneAnnotations.run(ids).changes;
      const steps = st.pruneSteps.run(ids).changes;
      const tasks = st.pruneTaskRows.run(ids).changes;
      return { tasks, steps, step_edges, transitions, annotations, last: candidates[candidates.length - 1]!.task_id };
    }) as Batch;
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

export function pruneTasks(
  db: Database,
  st: Statements,
  immediate: Immediate,
  req: PruneRequest,
): Promise<PruneResult> {
  return runPrune(req, {
    now: async () => Date.now(),
    count: async (target) =>
      st.pruneCount.get({ state: target.state, cutoff: target.cutoff }) as { tasks: number; steps: number },
    batch: async (target, limit, after) => batch(db, st, immediate, target, limit, after),
  });
}
