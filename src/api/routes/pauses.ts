// Pause and resume routes (flow control): one task (`steps:operate`, like the other operator actions), a template or
// a whole namespace (`admin`: an incident switch for every process), the list of what is paused, and the concurrency
// slot groups. Pauses are kept
// in the store; every action is recorded in the tasks' history with its actor.
import type { FastifyRequest } from 'fastify';
import type { PausedTemplate, PauseTarget } from '../../core/store-contract.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { TaskIdParams } from '../schemas/common.js';
import {
  ConcurrencyListSchema,
  NamespaceParams,
  PausedListSchema,
  TaskPauseResultSchema,
  TemplateParams,
  TemplatePauseResultSchema,
} from '../schemas/pauses.js';
import { ReasonBody } from '../schemas/tasks.js';
import { requireTask, taskId } from './tasks.js';

const reasonOf = (request: FastifyRequest): string | undefined =>
  (request.body as { reason?: string | null }).reason ?? undefined;

function taskPauseRoute(ctx: ApiContext, on: boolean): RouteSpec {
  const verb = on ? 'pause' : 'resume';
  return {
    method: 'POST',
    path: `/tasks/:id/${verb}`,
    operationId: `${verb}Task`,
    tag: 'operator actions',
    summary: on ? 'Pause a task' : 'Resume a paused task',
    description: on
      ? 'No new step of the task starts; running steps finish, and their completion makes nothing claimable. A task ' +
        'that has not started stays pending. 409 when the task is completed, failed, cancelled or resolved_manually.'
      : 'Undoes a pause of the task: its ready steps become claimable, unless its template or namespace is still ' +
        'paused (waiting_for stays paused) or its delayed start has not come. 409 when the task has ended.',
    auth: ['steps:operate'],
    params: TaskIdParams,
    body: ReasonBody,
    bodyRequired: false,
    responses: { 200: { description: 'what changed, and the task after it', schema: TaskPauseResultSchema } },
    errors: [404, 409, 413, 415],
    handler: async (request) => {
      const id = taskId(request);
      await requireTask(ctx, id);
      const options = { actor: actorOf(request), ...(reasonOf(request) ? { reason: reasonOf(request)! } : {}) };
      const res = on ? await ctx.tasker.pauseTask(id, options) : await ctx.tasker.resumeTask(id, options);
      return { ...res, task: await requireTask(ctx, id) };
    },
  };
}

function targetPauseRoute(ctx: ApiContext, kind: 'template' | 'namespace', on: boolean): RouteSpec {
  const verb = on ? 'pause' : 'resume';
  const what = kind === 'template' ? 'a template (every version)' : 'a namespace (every template in it)';
  return {
    method: 'POST',
    path: kind === 'template' ? `/templates/:namespace/:name/${verb}` : `/namespaces/:namespace/${verb}`,
    operationId: `${verb}${kind === 'template' ? 'Template' : 'Namespace'}`,
    tag: 'flow control',
    summary: `${on ? 'Pause' : 'Resume'} ${what}`,
    description: on
      ? 'Kept in the store, for every process: new tasks are accepted and wait (pending, waiting_for paused); ' +
        'unfinished tasks finish the steps they are in and start no new one. changed is false when it was paused already.'
      : 'Lifts exactly this pause: tasks no other pause holds continue. changed is false when it was not paused.',
    auth: ['admin'],
    params: kind === 'template' ? TemplateParams : NamespaceParams,
    body: ReasonBody,
    bodyRequired: false,
    responses: { 200: { description: 'what changed', schema: TemplatePauseResultSchema } },
    errors: [413, 415],
    handler: async (request) => {
      const target = request.params as PauseTarget;
      const options = { actor: actorOf(request), ...(reasonOf(request) ? { reason: reasonOf(request)! } : {}) };
      const t = ctx.tasker;
      const res =
        kind === 'template'
          ? await (on ? t.pauseTemplate : t.resumeTemplate).call(t, target.namespace, target.name!, options)
          : await (on ? t.pauseNamespace : t.resumeNamespace).call(t, target.namespace, options);
      return { namespace: target.namespace, name: target.name ?? null, ...res };
    },
  };
}

function pausedJson(p: PausedTemplate) {
  return { ...p, paused_at: new Date(p.paused_at).toISOString() };
}

export function pauseRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    taskPauseRoute(ctx, true),
    taskPauseRoute(ctx, false),
    targetPauseRoute(ctx, 'template', true),
    targetPauseRoute(ctx, 'template', false),
    targetPauseRoute(ctx, 'namespace', true),
    targetPauseRoute(ctx, 'namespace', false),
    {
      method: 'GET',
      path: '/concurrency',
      operationId: 'listConcurrency',
      tag: 'flow control',
      summary: 'Concurrency slot groups',
      description:
        'Every slot group of a concurrency limit (a template per key value, or a step): its limit, the slots held and ' +
        'the tasks and steps waiting for one.',
      auth: ['tasks:read'],
      responses: { 200: { description: 'the slot groups, by key', schema: ConcurrencyListSchema } },
      handler: async () => ({ groups: await ctx.tasker.concurrencyGroups() }),
    },
    {
      method: 'GET',
      path: '/paused',
      operationId: 'listPaused',
      tag: 'flow control',
      summary: 'Paused templates and namespaces',
      description: 'Every template (name) and namespace (name null) paused, with who paused it, when and why.',
      auth: ['tasks:read'],
      responses: { 200: { description: 'what is paused', schema: PausedListSchema } },
      handler: async () => ({ paused: (await ctx.tasker.listPaused()).map(pausedJson) }),
    },
  ];
}
