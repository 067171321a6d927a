// GET /tasks/:id/history: every transition of a task and its steps, oldest first, paged by history id (`after`).
import { NotFoundError } from '../../core/errors.js';
import type { ApiContext } from '../context.js';
import { historyEntryJson } from '../history-json.js';
import type { RouteSpec } from '../route-catalog.js';
import { TaskIdParams } from '../schemas/common.js';
import { HistoryPageSchema, HistoryQuery } from '../schemas/history.js';
import { taskId } from './tasks.js';

export function historyRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/tasks/:id/history',
      operationId: 'getTaskHistory',
      tag: 'tasks',
      summary: 'Read the history of a task and its steps',
      description:
        'Every state transition of the task and of its steps, oldest first: when, which step, from and to which state, the ' +
        'attempt, who (a worker id or an operator) and why, and the error of a failed attempt. Pages hold up to limit rows; ' +
        'pass next_after as after for the next page (null on the last page).',
      auth: ['tasks:read'],
      params: TaskIdParams,
      querystring: HistoryQuery,
      responses: { 200: { description: 'one page of the history', schema: HistoryPageSchema } },
      errors: [404],
      handler: async (request) => {
        const id = taskId(request);
        const { after, limit } = request.query as { after?: number; limit: number };
        const rows = await ctx.tasker.reads.historyPage(id, { after: after ?? 0, limit: limit + 1 });
        if (rows.length === 0 && !(await ctx.tasker.getTask(id))) {
          throw new NotFoundError(`task ${id} does not exist`, { task_id: id });
        }
        const page = rows.slice(0, limit);
        return {
          task_id: id,
          history: page.map(historyEntryJson),
          next_after: rows.length > limit ? page[page.length - 1]!.history_id : null,
        };
      },
    },
  ];
}
