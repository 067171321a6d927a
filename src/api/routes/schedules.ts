// Cron schedule routes: list every schedule with its state, and the operator actions on one — pause, resume (ticks
// that fell while paused are missed ticks: the schedule's catch_up decides) and trigger (a task now, outside the
// ticks). A schedule is named in the path by its template's namespace and name and its own name.
import type { FastifyRequest } from 'fastify';
import type { ScheduleRef } from '../../engine/schedule-control.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY } from '../schemas/common.js';
import {
  ScheduleActionBody,
  ScheduleListSchema,
  ScheduleParams,
  ScheduleSchema,
  TriggerResultSchema,
} from '../schemas/schedules.js';
import { withRequestTraceParent } from '../trace-parent.js';

const ref = (request: FastifyRequest): ScheduleRef => request.params as ScheduleRef;
const reasonOf = (request: FastifyRequest): string | null =>
  (request.body as { reason?: string | null } | undefined)?.reason ?? null;

const PATH = '/schedules/:namespace/:name/:schedule';

export function scheduleRoutes(ctx: ApiContext): RouteSpec[] {
  const schedules = ctx.tasker.schedules;
  return [
    {
      method: 'GET',
      path: '/schedules',
      operationId: 'listSchedules',
      tag: 'schedules',
      summary: 'List cron schedules',
      description:
        'Every schedule the store knows (a schedule is recorded once a process that runs steps has loaded its template), ' +
        'with the definition of the newest template version that declares it, whether it is paused, its last and next tick.',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the schedules', schema: ScheduleListSchema } },
      handler: async () => ({ schedules: await schedules.list() }),
    },
    {
      method: 'POST',
      path: `${PATH}/pause`,
      operationId: 'pauseSchedule',
      tag: 'schedules',
      summary: 'Pause a schedule',
      description:
        'No tick creates a task until it is resumed, in any process (a manual trigger still does). Pausing a paused ' +
        'schedule changes nothing. 404 for an unknown schedule.',
      auth: ['steps:operate'],
      params: ScheduleParams,
      body: ScheduleActionBody,
      bodyRequired: false,
      responses: { 200: { description: 'the schedule', schema: ScheduleSchema } },
      errors: [404],
      handler: async (request) => {
        const actor = actorOf(request);
        request.log.info({ actor, reason: reasonOf(request), schedule: ref(request) }, 'schedule paused');
        return schedules.pause(ref(request), { actor });
      },
    },
    {
      method: 'POST',
      path: `${PATH}/resume`,
      operationId: 'resumeSchedule',
      tag: 'schedules',
      summary: 'Resume a schedule',
      description:
        'Ticks create tasks again. Ticks that fell while it was paused are missed ticks: catch_up none skips them, ' +
        'latest creates the newest, all creates them (at most 100). 404 for an unknown schedule.',
      auth: ['steps:operate'],
      params: ScheduleParams,
      body: ScheduleActionBody,
      bodyRequired: false,
      responses: { 200: { description: 'the schedule', schema: ScheduleSchema } },
      errors: [404],
      handler: async (request) => {
        const actor = actorOf(request);
        request.log.info({ actor, reason: reasonOf(request), schedule: ref(request) }, 'schedule resumed');
        return schedules.resume(ref(request), { actor });
      },
    },
    {
      method: 'POST',
      path: `${PATH}/trigger`,
      operationId: 'triggerSchedule',
      tag: 'schedules',
      summary: 'Create a task of a schedule now',
      description:
        "Creates a task with the schedule's context now, paused or not. It is no tick: it takes no tick's place, and " +
        "the task's scheduled_for is the time of the trigger. Needs the template in the serving process (404 otherwise); " +
        '409 when a newer version of the template than the one registered here owns the schedule.',
      auth: ['steps:operate'],
      params: ScheduleParams,
      body: ScheduleActionBody,
      bodyRequired: false,
      responses: { 201: { description: 'the task created', schema: TriggerResultSchema } },
      errors: [404, 409],
      handler: async (request, reply) => {
        const actor = actorOf(request);
        const reason = reasonOf(request);
        const res = await withRequestTraceParent(request.headers, () =>
          schedules.trigger(ref(request), { actor, ...(reason !== null ? { reason } : {}) }),
        );
        return reply.code(201).header('location', `${ctx.prefix}/tasks/${res.task_id}`).send(res);
      },
    },
  ];
}
