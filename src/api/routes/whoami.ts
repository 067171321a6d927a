// GET /auth/whoami: who the request's token is and which scopes it has (or that auth is off), so a client — the
// dashboard — can tell which actions it may offer before trying them. Any valid token may ask.
import { SCOPE_NESTING, SCOPES, type RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY, nullable, type JsonSchema } from '../schemas/common.js';

export const WhoAmISchema: JsonSchema = {
  type: 'object',
  description: 'With auth off: auth false, no name, every scope (the API refuses nothing by scope).',
  required: ['auth', 'name', 'actor', 'scopes'],
  additionalProperties: false,
  properties: {
    auth: { type: 'boolean', description: 'whether the server checks tokens' },
    name: nullable({ type: 'string', description: "the token's name or the JWT's sub" }),
    actor: nullable({
      type: 'string',
      description: 'how its operator actions are recorded: token:<name> or jwt:<sub>',
    }),
    scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
  },
};

export function whoamiRoutes(): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/auth/whoami',
      operationId: 'whoami',
      tag: 'auth',
      summary: "The token's name and scopes",
      description:
        `Answers who the bearer token authenticates as and the scopes it was given (${SCOPE_NESTING}). Any valid ` +
        'token may ask.',
      auth: [],
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the principal', schema: WhoAmISchema } },
      handler: async (request) => {
        const p = request.principal;
        if (!p) return { auth: false, name: null, actor: null, scopes: [...SCOPES] };
        return { auth: true, name: p.name, actor: p.actor, scopes: SCOPES.filter((s) => p.scopes.has(s)) };
      },
    },
  ];
}
