// Task routes: create (201, 400 with field errors, 409 on a repeated idempotency key), list with filters and
// keyset pagination, read one task in the engine's JSON shape, and cancel.
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import { taskSummaryJson, type TaskJson } from '../../engine/task-json.js';
import type { TaskRequest } from '../../engine/task-request.js';
import type { TaskState } from '../../core/states.js';
import type { TaskListFilter, TaskSortKey } from '../../core/store-contract.js';
import { ApiError } from '../errors.js';
import { parseRfc3339 } from '../../core/rfc3339.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { TaskIdParams } from '../schemas/common.js';
import { CancelQuery, TaskCreateBody, TaskListQuery, TaskPageSchema, TaskSchema } from '../schemas/tasks.js';
import { withRequestTraceParent } from '../trace-parent.js';

interface ListQuery {
  namespace?: string;
  name?: string;
  version?: string;
  state?: TaskState[];
  created_after?: string;
  created_before?: string;
  tag?: string[];
  q?: string;
  limit: number;
  cursor?: string;
  sort: TaskSortKey;
  order: 'asc' | 'desc';
}

/** The task's JSON, or NotFoundError (404). */
export async function requireTask(ctx: ApiContext, id: number): Promise<TaskJson> {
  const task = await ctx.tasker.getTask(id);
  if (!task) throw new NotFoundError(`task ${id} does not exist`, { task_id: id });
  return task;
}

export const taskId = (request: FastifyRequest): number => (request.params as { id: number }).id;

/** A time bound of the list query as epoch milliseconds; 400 naming the parameter when it is no real time. */
function timeBound(q: ListQuery, key: 'created_after' | 'created_before'): { [k in typeof key]?: number } {
  const text = q[key];
  if (text === undefined) return {};
  const ms = parseRfc3339(text, key === 'created_after' ? 'floor' : 'ceil');
  if (ms === null) {
    const message = `must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got '${text}'`;
    throw new ApiError(400, 'invalid_request', `invalid query: query.${key} ${message}`, [
      { field: `query.${key}`, message, keyword: 'format' },
    ]);
  }
  return { [key]: ms };
}

function listFilter(q: ListQuery): TaskListFilter {
  return {
    limit: q.limit,
    sort: q.sort,
    order: q.order,
    ...(q.namespace !== undefined ? { namespace: q.namespace } : {}),
    ...(q.name !== undefined ? { name: q.name } : {}),
    ...(q.version !== undefined ? { version: q.version } : {}),
    ...(q.state !== undefined && q.state.length ? { state: q.state } : {}),
    ...timeBound(q, 'created_after'),
    ...timeBound(q, 'created_before'),
    ...(q.tag !== undefined && q.tag.length ? { tags: q.tag } : {}),
    ...(q.q !== undefined ? { q: q.q } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
  };
}

export function taskRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/tasks',
      operationId: 'createTask',
      tag: 'tasks',
      summary: 'Create a task from a template',
      description:
        'Validates the request and the context against the template (400 lists every bad field), creates the task and its steps, ' +
        'and answers 201 with the task. A repeated idempotency_key creates nothing and answers 409 with the existing task_id. ' +
        "With tracing on, a W3C traceparent (and tracestate) header makes the task part of the caller's trace.",
      auth: ['tasks:write'],
      body: TaskCreateBody,
      responses: { 201: { description: 'the created task', schema: TaskSchema } },
      errors: [409, 413, 415],
      handler: async (request, reply) => {
        const body = request.body as TaskRequest;
        const res = await withRequestTraceParent(request.headers, () => ctx.tasker.submit(body));
        if (!res.created) {
          throw new ApiError(
            409,
            'duplicate',
            `a task with idempotency_key '${body.idempotency_key}' already exists (task ${res.task_id}); nothing was created`,
            {
              task_id: res.task_id,
            },
          );
        }
        const task = await requireTask(ctx, res.task_id);
        return reply.code(201).header('location', `${ctx.prefix}/tasks/${res.task_id}`).send(task);
      },
    },
    {
      method: 'GET',
      path: '/tasks',
      operationId: 'listTasks',
      tag: 'tasks',
      summary: 'List tasks',
      description:
        'Filters by namespace, name, version, state (repeatable), creation time, tag (repeatable: all must match) and q (the task ' +
        'id, or a correlation id or idempotency key, exactly or by prefix). Pages are keyset-paginated: pass next_cursor as ' +
        'cursor (with the same sort and order) to get the next page; next_cursor is null on the last page.',
      auth: ['tasks:read'],
      querystring: TaskListQuery,
      responses: { 200: { description: 'one page of task summaries', schema: TaskPageSchema } },
      handler: async (request) => {
        const page = await ctx.tasker.listTasks(listFilter(request.query as ListQuery));
        return { tasks: page.tasks.map(taskSummaryJson), next_cursor: page.next_cursor };
      },
    },
    {
      method: 'GET',
      path: '/tasks/:id',
      operationId: 'getTask',
      tag: 'tasks',
      summary: 'Read a task with its steps',
      description:
        'The task JSON: current_state, context, annotations and workflow_steps (each with name, current_state, attempts, results, error).',
      auth: ['tasks:read'],
      params: TaskIdParams,
      responses: { 200: { description: 'the task', schema: TaskSchema } },
      errors: [404],
      handler: async (request) => requireTask(ctx, taskId(request)),
    },
    {
      method: 'DELETE',
      path: '/tasks/:id',
      operationId: 'cancelTask',
      tag: 'tasks',
      summary: 'Cancel a task',
      description:
        'Pending steps are cancelled and running handlers see their abort signal. A failed task can be cancelled too (an operator ' +
        'retry could otherwise still revive it). 409 when the task is completed, cancelled or resolved_manually.',
      auth: ['tasks:write'],
      params: TaskIdParams,
      querystring: CancelQuery,
      responses: { 200: { description: 'the cancelled task', schema: TaskSchema } },
      errors: [404, 409],
      handler: async (request) => {
        const id = taskId(request);
        const before = await requireTask(ctx, id);
        const actor = actorOf(request);
        const reason = (request.query as { reason?: string }).reason;
        const cancelled = await ctx.tasker.cancelTask(id, { actor, ...(reason !== undefined ? { reason } : {}) });
        if (!cancelled) {
          const now = (await ctx.tasker.getTask(id)) ?? before;
          throw new ApiError(
            409,
            'illegal_action',
            `task ${id} is already ${now.current_state}; only running or failed tasks can be cancelled`,
            {
              task_id: id,
              task_state: now.current_state,
              action: 'cancel',
            },
          );
        }
        return requireTask(ctx, id);
      },
    },
  ];
}
