// Meta routes: Prometheus metrics (engine counters and histograms, store gauges refreshed on scrape) and the
// OpenAPI document built from the route catalogue.
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY } from '../schemas/common.js';
import { MetricsText, OpenApiDocument } from '../schemas/system.js';

export function metaRoutes(ctx: ApiContext, openApi: () => Record<string, unknown>): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      tag: 'meta',
      summary: 'Prometheus metrics',
      description:
        'tasker_tasks_started_total, tasker_tasks_finished_total{outcome}, tasker_steps_total{outcome}, tasker_step_attempt_failures_total and ' +
        'tasker_step_duration_seconds (labelled namespace/name/step) count what this process ran; tasker_tasks{state}, tasker_steps{state}, ' +
        'tasker_ready_steps and tasker_workers describe the whole store at scrape time.',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: {
        200: { description: 'Prometheus text exposition format', schema: MetricsText, contentType: 'text/plain' },
      },
      handler: async (_request, reply) => {
        const text = await ctx.metrics.scrape();
        return reply.type(ctx.metrics.contentType).send(text);
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      tag: 'meta',
      summary: 'This OpenAPI 3.0 document',
      auth: [],
      querystring: EMPTY_QUERY,
      responses: {
        200: { description: 'the OpenAPI document', schema: OpenApiDocument, contentType: 'application/json' },
      },
      handler: async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(openApi())),
    },
  ];
}
