// pruneTasks on PostgreSQL: the shared loop (../shared/prune-plan.ts) over the statements of sql/prune.ts. Each batch
// is one READ COMMITTED transaction: it locks the oldest eligible tasks of a state with FOR UPDATE SKIP LOCKED (the
// lock re-evaluates the state and completion time on the latest row version, so a task rerun or retried meanwhile is
// not taken; tasks another transaction holds are skipped, so concurrent prunes on many workers never wait on each
// other and never delete the same task), then deletes their rows children first. Row locks last one batch. The lock
// and the dry run's count are planned per call (unnamed statements): whether the state's index or the creation-time
// index is the better walk depends on the state's share of the tasks before the cutoff, which a cached generic plan
// cannot see (docs/benchmarks.md, "Retention at 10,000,000 tasks").
import type { PruneRequest, PruneResult } from '../../core/store-contract.js';
import { pruneSet, runPrune, type PruneDriver, type PrunedRows, type PruneTarget } from '../shared/prune-plan.js';
import type { PgContext } from './context.js';
import { run, runText, withTransaction } from './pool.js';

type Count = { n: number };

type Batch = PrunedRows & { last: number | null };

async function batch(ctx: PgContext, target: PruneTarget, limit: number, after: number | null): Promise<Batch> {
  return withTransaction(ctx.pool, ctx.logger, async (client): Promise<Batch> => {
    const locked = await runText<{ task_id: number; created_ms: number }>(client, ctx.sql.pruneLock.text, [
      target.state,
      target.cutoff,
      limit,
      after,
    ]);
    if (locked.length === 0) return { tasks: 0, steps: 0, step_edges: 0, transitions: 0, annotations: 0, last: null };
    const roots = locked.map((t) => Number(t.task_id));
    const tree = await run<{ root: string; task_id: string; state: string }>(client, ctx.sql.pruneTree, [roots]);
    const ids = [pruneSet(roots, tree)];
    await run(client, ctx.sql.pruneSignals, ids);
    const count = async (statement: (typeof ctx.sql)['pruneTaskRows']) =>
      (await run<Count>(client, statement, ids))[0]!.n;
    const transitions = await count(ctx.sql.pruneTransitions);
    const annotations = await count(ctx.sql.pruneAnnotations);
    const [{ steps, edges: step_edges }] = (await run<{ steps: number; edges: number }>(
      client,
      ctx.sql.pruneSteps,
      ids,
    )) as [{ steps: number; edges: number }];
    const tasks = await count(ctx.sql.pruneTaskRows);
    return { tasks, steps, step_edges, transitions, annotations, last: locked[locked.length - 1]!.created_ms };
  });
}

export function pruneTasks(ctx: PgContext, req: PruneRequest): Promise<PruneResult> {
  const driver: PruneDriver = {
    now: async () => (await run<{ now: number }>(ctx.pool, ctx.sql.pruneNow))[0]!.now,
    count: async (target) =>
      (
        await runText<{ tasks: number; steps: number }>(ctx.pool, ctx.sql.pruneCount.text, [
          target.state,
          target.cutoff,
        ])
      )[0]!,
    batch: (target, limit, after) => batch(ctx, target, limit, after),
  };
  return runPrune(req, driver);
}
