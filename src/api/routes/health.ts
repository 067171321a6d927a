// Health routes: a summary, a liveness probe that never touches the database, a readiness probe that pings the
// store within a timeout (503 when it does not answer), and the store's status (counts by state, ready depth,
// workers seen). The probes need no token even with auth on, so they say up or down and nothing more (why the
// store is down goes to the log); the store URL shown by the summary always has its credentials masked.
import { iso } from '../../engine/task-json.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY } from '../schemas/common.js';
import { HealthSummarySchema, LiveSchema, ReadySchema, StatusSchema } from '../schemas/system.js';

export function healthRoutes(ctx: ApiContext): RouteSpec[] {
  const tasker = ctx.tasker;
  return [
    {
      method: 'GET',
      path: '/health',
      operationId: 'health',
      tag: 'health',
      summary: 'Health summary',
      description:
        'Version, uptime, this process (worker id, step concurrency), registered templates, and whether the store answers.',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: {
        200: {
          description: 'the summary (status degraded when the store does not answer)',
          schema: HealthSummarySchema,
        },
      },
      handler: async () => {
        const storeHealth = await tasker.checkStore(ctx.readyTimeoutMs);
        return {
          status: storeHealth.ok ? 'ok' : 'degraded',
          version: ctx.version,
          uptime_s: Math.round((Date.now() - ctx.startedAt) / 100) / 10,
          store: storeHealth,
          worker: { worker_id: ctx.tasker.workerId, concurrency: ctx.concurrency },
          templates: ctx.tasker.templates.list().length,
        };
      },
    },
    {
      method: 'GET',
      path: '/health/live',
      operationId: 'live',
      tag: 'health',
      summary: 'Liveness: the process answers (no database access)',
      auth: 'public',
      responses: { 200: { description: 'alive', schema: LiveSchema } },
      handler: async () => ({ status: 'ok' }),
    },
    {
      method: 'GET',
      path: '/health/ready',
      operationId: 'ready',
      tag: 'health',
      summary: 'Readiness: the store answers within the timeout',
      description: 'Up or down only (no token needed, so nothing about the store is shown); the reason is logged.',
      auth: 'public',
      responses: {
        200: { description: 'ready', schema: ReadySchema },
        503: { description: 'the store did not answer in time or failed', schema: ReadySchema },
      },
      handler: async (request, reply) => {
        const storeHealth = await tasker.checkStore(ctx.readyTimeoutMs);
        if (!storeHealth.ok) {
          request.log.warn({ store: storeHealth.url, error: storeHealth.error }, 'not ready: the store did not answer');
        }
        return reply.code(storeHealth.ok ? 200 : 503).send({ status: storeHealth.ok ? 'ready' : 'not_ready' });
      },
    },
    {
      method: 'GET',
      path: '/health/status',
      operationId: 'status',
      tag: 'health',
      summary: 'Tasks and steps by state, ready-queue depth and workers seen',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the store status', schema: StatusSchema } },
      handler: async () => {
        const stats = await tasker.storeStats();
        return {
          tasks_by_state: stats.tasks_by_state,
          steps_by_state: stats.steps_by_state,
          ready_depth: stats.ready_depth,
          workers: stats.workers.map((w) => ({
            ...w,
            started_at: iso(w.started_at)!,
            last_seen_at: iso(w.last_seen_at)!,
          })),
        };
      },
    },
  ];
}
