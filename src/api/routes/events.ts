// The live event stream: POST /events/tickets (a single-use ticket for clients that cannot send an Authorization
// header, such as a browser's EventSource) and GET /events/stream (server-sent events of task and step transitions
// from the store's history, cluster-wide; filters task_id and namespace; resumes from Last-Event-ID). Custom events a
// handler publishes with step.publish stay in its process and are not streamed.
import type { ApiContext } from '../context.js';
import type { EventStreams } from '../events/event-streams.js';
import { iso } from '../../engine/task-json.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY, type JsonSchema } from '../schemas/common.js';
import { StreamEventSchema, StreamQuery, TicketSchema } from '../schemas/history.js';
import { ApiError } from '../errors.js';

/** The ticket request takes no fields; a body may be omitted or be `{}`. */
const EMPTY_BODY: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

interface StreamQueryValues {
  ticket?: string;
  task_id?: number;
  namespace?: string;
}

export function eventRoutes(_ctx: ApiContext, streams: EventStreams): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/events/tickets',
      operationId: 'createStreamTicket',
      tag: 'events',
      summary: 'Get a ticket to open the event stream',
      description:
        'A random ticket for GET /events/stream?ticket=…, for clients that cannot send an Authorization header (a browser ' +
        "EventSource). It is single-use, expires after 60 s, and grants the stream with the scopes of this request's token; " +
        'it is not the token. Kept in this server process only: open the stream on the same server.',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      body: EMPTY_BODY,
      bodyRequired: false,
      responses: { 201: { description: 'the ticket', schema: TicketSchema } },
      handler: async (request, reply) => {
        const { ticket, expiresAt } = streams.tickets.issue(request.principal);
        return reply
          .code(201)
          .header('cache-control', 'no-store')
          .send({ ticket, expires_at: iso(expiresAt) });
      },
    },
    {
      method: 'GET',
      path: '/events/stream',
      operationId: 'streamEvents',
      tag: 'events',
      summary: 'Stream task and step events (server-sent events)',
      description:
        'text/event-stream of every task and step transition recorded in the store, by any process: each message has `id:` ' +
        '(the history row id), `event:` (task.started, task.resumed, task.completed, task.failed, task.cancelled, ' +
        'step.started, step.attempt_failed, step.waiting, step.completed, step.failed, step.skipped, step.cancelled, ' +
        'step.pending, ' +
        'step.resolved_manually, …) and `data:` (JSON, below). Filters: task_id, namespace. A reconnecting client sends ' +
        'Last-Event-ID and gets what it missed. A comment line every 15 s keeps the connection open. Authenticate with the ' +
        'Authorization header or a ?ticket= from POST /events/tickets. Custom events published by handlers with ' +
        'step.publish stay in their process and are not streamed.',
      auth: ['tasks:read'],
      acceptsTicket: true,
      querystring: StreamQuery,
      responses: {
        200: { description: 'the event stream', schema: StreamEventSchema, contentType: 'text/event-stream' },
      },
      handler: async (request, reply) => {
        const q = request.query as StreamQueryValues;
        if (q.ticket !== undefined && !streams.tickets.authOn && streams.tickets.redeem(q.ticket) === null) {
          throw new ApiError(401, 'unauthorized', 'invalid ticket: unknown, already used or expired', null);
        }
        return streams.open(request, reply, { task_id: q.task_id ?? null, namespace: q.namespace ?? null });
      },
    },
  ];
}
