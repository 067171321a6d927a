// Rate-limit routes (flow control): list the named limits the store keeps (`tasks:read`) and set one by hand
// (`admin`: it changes what every process may start). A limit set here overrides every template's declaration of the
// same name from then on.
import type { RateLimitInfo } from '../../core/store-contract.js';
import type { RateLimitInput } from '../../definition/define-task.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { RateLimitBody, RateLimitListSchema, RateLimitParams, RateLimitSchema } from '../schemas/rate-limits.js';

function rateLimitJson(r: RateLimitInfo) {
  return { ...r, updated_at: new Date(r.updated_at).toISOString() };
}

export function rateLimitRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/rate-limits',
      operationId: 'listRateLimits',
      tag: 'flow control',
      summary: 'Rate limits',
      description:
        'Every named rate limit the store keeps (declared by templates, or set by hand), by name: its limit per ' +
        'period and burst, where it came from, the buckets in use and the steps waiting for a token.',
      auth: ['tasks:read'],
      responses: { 200: { description: 'the limits, by name', schema: RateLimitListSchema } },
      handler: async () => ({ rate_limits: (await ctx.tasker.listRateLimits()).map(rateLimitJson) }),
    },
    {
      method: 'PUT',
      path: '/rate-limits/:name',
      operationId: 'setRateLimit',
      tag: 'flow control',
      summary: 'Set a rate limit',
      description:
        'Sets the named limit for every process (source operator): it overrides the declarations of templates from ' +
        'now on. Buckets keep their tokens; the new rate applies to their refill. 400 names each bad field.',
      auth: ['admin'],
      params: RateLimitParams,
      body: RateLimitBody,
      responses: { 200: { description: 'the limit as the store keeps it now', schema: RateLimitSchema } },
      errors: [413, 415],
      handler: async (request) => {
        const { name } = request.params as { name: string };
        const input = request.body as RateLimitInput;
        return rateLimitJson(await ctx.tasker.setRateLimit(name, input, { actor: actorOf(request) }));
      },
    },
  ];
}
