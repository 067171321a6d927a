// listTasks on PostgreSQL: keyset pagination over (sort value, task_id) using the shared filter and cursor rules;
// the statement of each filter shape is built by sql/list-tasks.ts.
import type { TaskListFilter, TaskPage } from '../../core/store-contract.js';
import { finishPage, normalizeListFilter } from '../shared/list-query.js';
import { mapTaskSummary } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import { pgDecode } from './reads.js';
import { listTasksQuery } from './sql/list-tasks.js';

export async function listTasks(ctx: PgContext, filter: TaskListFilter): Promise<TaskPage> {
  const f = normalizeListFilter(filter);
  const { statement, params } = listTasksQuery(ctx.names, f);
  const rows = await run<Record<string, unknown>>(ctx.pool, statement, params);
  return finishPage(
    rows.map((r) => mapTaskSummary(r, pgDecode)),
    f,
  );
}
