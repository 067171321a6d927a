// Builds the OpenAPI 3.0 document from the route catalogue: the very schemas that validate requests and serialise
// responses, with the shared ones (Task, Step, Error, …) lifted into components and referenced by $ref.
import { SCOPE_NESTING, type CatalogRoute, type RouteCatalog } from './route-catalog.js';
import { ErrorSchema, type JsonSchema } from './schemas/common.js';
import * as tasks from './schemas/tasks.js';
import * as system from './schemas/system.js';
import * as history from './schemas/history.js';
import { StatsSchema } from './schemas/stats.js';
import * as rerun from './schemas/rerun.js';
import * as pauses from './schemas/pauses.js';
import * as schedules from './schemas/schedules.js';
import * as prune from './schemas/prune.js';
import * as rateLimits from './schemas/rate-limits.js';
import * as signals from './schemas/signals.js';

/** Shared schemas, by component name; any occurrence of the same object becomes a $ref. */
const COMPONENTS: Record<string, JsonSchema> = {
  Error: ErrorSchema,
  Task: tasks.TaskSchema,
  TaskSummary: tasks.TaskSummarySchema,
  TaskPage: tasks.TaskPageSchema,
  TaskCreate: tasks.TaskCreateBody,
  Step: tasks.StepSchema,
  StepError: tasks.StepErrorSchema,
  StepList: tasks.StepListSchema,
  StepDetail: tasks.StepDetailSchema,
  Attempt: tasks.AttemptSchema,
  Transition: tasks.TransitionSchema,
  OperatorResult: tasks.OperatorResultSchema,
  TaskPauseResult: pauses.TaskPauseResultSchema,
  TemplatePauseResult: pauses.TemplatePauseResultSchema,
  PausedList: pauses.PausedListSchema,
  ConcurrencyList: pauses.ConcurrencyListSchema,
  RateLimit: rateLimits.RateLimitSchema,
  RateLimitList: rateLimits.RateLimitListSchema,
  Signal: signals.SignalSchema,
  SignalList: signals.SignalListSchema,
  SignalReceipt: signals.SignalReceiptSchema,
  SignalSend: signals.SignalBody,
  SignalSendByKey: signals.SignalByKeyBody,
  HistoryPage: history.HistoryPageSchema,
  HistoryEntry: history.HistoryEntrySchema,
  StreamTicket: history.TicketSchema,
  StreamEvent: history.StreamEventSchema,
  Stats: StatsSchema,
  Rerun: rerun.RerunBody,
  BulkRerun: rerun.BulkRerunBody,
  BulkRerunResult: rerun.BulkRerunResultSchema,
  Schedule: schedules.ScheduleSchema,
  ScheduleList: schedules.ScheduleListSchema,
  TriggerResult: schedules.TriggerResultSchema,
  Prune: prune.PruneBody,
  PruneResult: prune.PruneResultSchema,
  NamespaceList: system.NamespaceListSchema,
  Namespace: system.NamespaceSchema,
  Template: system.TemplateSchema,
  StepTemplate: system.StepTemplateSchema,
  DependencyGraph: system.GraphSchema,
  HealthSummary: system.HealthSummarySchema,
  Readiness: system.ReadySchema,
  Status: system.StatusSchema,
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'bad input: malformed JSON, wrong types, unknown fields, bad ids or pagination (details lists the fields)',
  401: 'missing or invalid bearer token (only when auth is configured)',
  403: 'the token lacks a required scope (only when auth is configured)',
  404: 'no such task, step, namespace, template or schedule',
  409: 'conflict: a repeated idempotency_key (details.task_id), or an operator action that is illegal in the current state',
  413: 'body larger than the limit (default 1 MiB), or a signal payload over 256 KB',
  415: 'Content-Type is not application/json',
  500: 'server fault (logged)',
  503: 'the store is briefly unavailable, or the server is shutting down; retry after Retry-After seconds',
};

export interface OpenApiOptions {
  title?: string;
  version: string;
  /** Scopes each route needs as configured now; null when auth is off. */
  scopesFor: ((route: CatalogRoute) => readonly string[] | 'public') | null;
}

function refs(schema: unknown, root: JsonSchema | null, names: Map<object, string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => refs(s, null, names));
  if (schema === null || typeof schema !== 'object') return schema;
  const named = names.get(schema);
  if (named !== undefined && schema !== root) return { $ref: `#/components/schemas/${named}` };
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, refs(v, null, names)]));
}

const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(route: CatalogRoute, doc: (s: unknown) => unknown): unknown[] {
  const out: unknown[] = [];
  const add = (where: 'path' | 'query', schema: JsonSchema | undefined) => {
    if (!schema) return;
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
        schema: doc(rest),
      });
    }
  };
  add('path', route.params);
  add('query', route.querystring);
  return out;
}

function operation(
  route: CatalogRoute,
  options: OpenApiOptions,
  doc: (s: unknown) => unknown,
): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = {
      description: r.description,
      content: { [r.contentType ?? 'application/json']: { schema: doc(r.schema) } },
    };
  }
  const scopes = options.scopesFor ? options.scopesFor(route) : route.auth;
  const errors = new Set([400, ...(route.errors ?? []), 500]);
  // Any route that reads or writes the store answers 503 while it is unavailable, unless it documents its own 503.
  if (route.responses[503] === undefined) errors.add(503);
  if (options.scopesFor && scopes !== 'public') {
    errors.add(401);
    errors.add(403);
  }
  for (const status of [...errors].sort())
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  const scopeText =
    scopes === 'public'
      ? 'No token needed.'
      : `Token scopes: ${scopes.length ? scopes.join(' + ') : 'any valid token'} (${SCOPE_NESTING}).`;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, scopeText].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    'x-required-scopes': scopes === 'public' ? [] : scopes,
    ...(options.scopesFor && scopes !== 'public'
      ? { security: route.acceptsTicket ? [{ bearerAuth: [] }, { streamTicket: [] }] : [{ bearerAuth: [] }] }
      : { security: [] }),
    ...(route.params || route.querystring ? { parameters: parameters(route, doc) } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyRequired !== false,
            content: { 'application/json': { schema: doc(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.0.3 document of every route in the catalogue. */
export function buildOpenApi(catalog: RouteCatalog, options: OpenApiOptions): Record<string, unknown> {
  const names = new Map<object, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));
  const doc = (s: unknown) => refs(s, null, names);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of catalog.routes) {
    const p = (paths[openApiPath(route.fullPath)] ??= {});
    p[route.method.toLowerCase()] = operation(route, options, doc);
  }
  const errorResponses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
      `Error${status}`,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: options.title ?? 'Tasker API',
      version: options.version,
      description:
        'Create and monitor Tasker workflow tasks, apply operator actions, inspect templates, health and metrics. Every error answers ' +
        '{ error: { code, message, details } }. Auth is off unless the server was given a tokens file; then every route except ' +
        '/health/live and /health/ready needs `Authorization: Bearer <token>`.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'tasks', description: 'create, list, read and cancel tasks' },
      { name: 'steps', description: "a task's steps and their attempt history" },
      {
        name: 'operator actions',
        description:
          'retry, resolve and skip steps; retry, pause and resume a task; rerun from a step; prune finished tasks',
      },
      {
        name: 'flow control',
        description:
          'pause and resume a template or a whole namespace; what is paused; concurrency slot groups; rate limits',
      },
      {
        name: 'signals',
        description: 'send a signal to the step of a task waiting for it (durable waits); list what a task received',
      },
      { name: 'schedules', description: 'cron schedules: list them; pause, resume and trigger one' },
      { name: 'handlers', description: 'registered templates and their dependency graphs' },
      { name: 'health', description: 'liveness, readiness, store status and the overview figures' },
      { name: 'events', description: 'the live stream of task and step events (server-sent events)' },
      { name: 'meta', description: 'metrics and this document' },
      { name: 'auth', description: 'who a token is and what it may do' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, refs(schema, schema, names)]),
      ),
      responses: errorResponses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API token from the tokens file, or an HS256 JWT when configured',
        },
        streamTicket: {
          type: 'apiKey',
          in: 'query',
          name: 'ticket',
          description: 'a single-use ticket from POST /events/tickets (GET /events/stream only)',
        },
      },
    },
  };
}
