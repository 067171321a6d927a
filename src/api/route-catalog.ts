// The API's routes as data: method, path, schemas, default scopes and documentation for each. The catalogue
// registers them on Fastify (schemas validate requests and serialise responses) and is what the OpenAPI
// document and the auth rules are built from, so the three can never disagree.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorSchema, type JsonSchema } from './schemas/common.js';

export const SCOPES = ['tasks:read', 'tasks:write', 'steps:operate', 'signals:send', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a granted scope includes besides itself: `admin` every scope; `steps:operate` also `signals:send` (an operator
 * can already resolve a waiting step with any results, so sending its signal grants nothing more). `signals:send`
 * alone lets an approval system deliver signals and nothing else.
 */
const IMPLIED: Partial<Record<Scope, readonly Scope[]>> = { admin: SCOPES, 'steps:operate': ['signals:send'] };

/** Whether a principal with `granted` scopes may use `scope`. */
export function grants(granted: ReadonlySet<string>, scope: Scope): boolean {
  if (granted.has(scope)) return true;
  for (const g of granted) if (IMPLIED[g as Scope]?.includes(scope)) return true;
  return false;
}

/** How scopes nest, in words (OpenAPI descriptions). */
export const SCOPE_NESTING = 'admin implies all; steps:operate implies signals:send';

export interface ResponseSpec {
  description: string;
  schema: JsonSchema;
  /** Default application/json; other types are documented but not serialised by schema. */
  contentType?: string;
}

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API prefix, Fastify syntax (`/tasks/:id`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Scopes a token needs by default (all of them; see `grants` for how scopes nest); `public` needs no token ever. */
  auth: readonly Scope[] | 'public';
  /** A `ticket` query parameter from POST /events/tickets may stand in for the Authorization header (event stream). */
  acceptsTicket?: boolean;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** False when the body may be omitted (it is then treated as `{}`). Default true when `body` is set. */
  bodyRequired?: boolean;
  responses: Record<number, ResponseSpec>;
  /** Error statuses this route answers besides the generic ones (400, 401, 403, 500). */
  errors?: number[];
  handler: RouteHandler;
}

export interface CatalogRoute extends RouteSpec {
  /** `METHOD /prefix/path`, the key of auth rules. */
  key: string;
  fullPath: string;
}

export function routeKey(method: string, fullPath: string): string {
  return `${method.toUpperCase()} ${fullPath}`;
}

export class RouteCatalog {
  readonly routes: CatalogRoute[] = [];
  private readonly byKey = new Map<string, CatalogRoute>();

  constructor(readonly prefix: string) {}

  get(key: string): CatalogRoute | undefined {
    return this.byKey.get(key);
  }

  /** Record the route and register it on Fastify (with its own copies of the schemas: Fastify may annotate them). */
  register(app: FastifyInstance, spec: RouteSpec): void {
    const fullPath = `${this.prefix}${spec.path}`;
    const route: CatalogRoute = { ...spec, fullPath, key: routeKey(spec.method, fullPath) };
    this.routes.push(route);
    this.byKey.set(route.key, route);
    const response: Record<string, JsonSchema> = {
      '4xx': structuredClone(ErrorSchema),
      '5xx': structuredClone(ErrorSchema),
    };
    for (const [status, r] of Object.entries(spec.responses)) {
      if (!r.contentType || r.contentType === 'application/json') response[status] = structuredClone(r.schema);
    }
    const optionalBody = spec.body !== undefined && spec.bodyRequired === false;
    app.route({
      method: spec.method,
      url: fullPath,
      config: { routeKey: route.key },
      schema: {
        ...(spec.params ? { params: structuredClone(spec.params) } : {}),
        ...(spec.querystring ? { querystring: structuredClone(spec.querystring) } : {}),
        ...(spec.body ? { body: structuredClone(spec.body) } : {}),
        response,
      },
      ...(optionalBody
        ? {
            preValidation: async (request: FastifyRequest) => {
              if (request.body === undefined || request.body === null) request.body = {};
            },
          }
        : {}),
      handler: spec.handler,
    });
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    routeKey?: string;
    /** A dashboard file or redirect (routes/ui.ts): no token needed, not in the catalogue. */
    publicAsset?: boolean;
  }
}
