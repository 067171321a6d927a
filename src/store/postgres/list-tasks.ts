// listTasks on PostgreSQL: keyset pagination over (sort value, task_id) using the shared filter and cursor rules;
// the statement of each filter shape is built by sql/list-tasks.ts. Shapes with a tag or search (`q`) filter run as
// unnamed statements, planned with the values of each call: whether the GIN or prefix index or the sort order's
// index is the better path depends on how many tasks match, which a cached generic plan cannot know (with 1,000,000
// tasks a rare search then walks the whole creation-time index; see docs/benchmarks.md). A tag page first walks the
// newest rows of the sort order, then collects the tagged tasks when that did not fill the page (sql/list-tasks.ts).
import type { TaskListFilter, TaskPage } from '../../core/store-contract.js';
import { finishPage, normalizeListFilter } from '../shared/list-query.js';
import { mapTaskSummary } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run, runText } from './pool.js';
import { pgDecode } from './reads.js';
import { listTasksQuery } from './sql/list-tasks.js';

export async function listTasks(ctx: PgContext, filter: TaskListFilter): Promise<TaskPage> {
  const f = normalizeListFilter(filter);
  const { statement, params } = listTasksQuery(ctx.names, f);
  const perCall = f.tags !== null || f.q !== null;
  let rows = perCall
    ? await runText<Record<string, unknown>>(ctx.pool, statement.text, params)
    : await run<Record<string, unknown>>(ctx.pool, statement, params);
  if (f.tags !== null && rows.length <= f.limit) {
    // the walk over the newest rows did not fill the page: collect every task with the tags instead (TagPlan)
    const all = listTasksQuery(ctx.names, f, 'collect');
    rows = await runText<Record<string, unknown>>(ctx.pool, all.statement.text, all.params);
  }
  return finishPage(
    rows.map((r) => mapTaskSummary(r, pgDecode)),
    f,
  );
}
