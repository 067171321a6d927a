// JSON Schemas of a task's history page (GET /tasks/:id/history) and of the live event stream: its ticket, its
// query and the data of each event (documented; the stream itself is text/event-stream).
import { ID_SCHEMA, NO_NUL, nullable, type JsonSchema } from './common.js';

const TIME: JsonSchema = { type: 'string', format: 'date-time' };
export const MAX_HISTORY_LIMIT = 1000;
export const DEFAULT_HISTORY_LIMIT = 500;
const HISTORY_ID: JsonSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

export const HistoryQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { ...HISTORY_ID, description: 'next_after of the previous page: rows with a higher id' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_HISTORY_LIMIT, default: DEFAULT_HISTORY_LIMIT },
  },
};

export const HistoryErrorSchema: JsonSchema = nullable({
  type: 'object',
  required: ['message', 'class', 'code', 'stack'],
  properties: {
    message: { type: 'string' },
    class: { type: 'string' },
    code: nullable({ type: 'string' }),
    stack: nullable({ type: 'string', description: 'a few lines of the stack where the attempt failed' }),
  },
});

export const HistoryEntrySchema: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'at',
    'run',
    'workflow_step_id',
    'step',
    'from_state',
    'to_state',
    'attempt',
    'actor',
    'reason',
    'error',
  ],
  properties: {
    id: { ...ID_SCHEMA, description: 'the history row id (increases with time within a store)' },
    at: TIME,
    run: { type: 'integer', minimum: 1, description: 'the run of the task the row belongs to (1 until a rerun)' },
    workflow_step_id: nullable({ ...ID_SCHEMA, description: 'null for a row of the task itself' }),
    step: nullable({ type: 'string', description: "the step's name; null for a row of the task itself" }),
    from_state: nullable({ type: 'string' }),
    to_state: { type: 'string' },
    attempt: nullable({ type: 'integer' }),
    actor: nullable({ type: 'string', description: 'a worker id, an operator (token name, X-Tasker-Actor) or null' }),
    reason: nullable({ type: 'string' }),
    error: HistoryErrorSchema,
  },
};

export const HistoryPageSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'history', 'next_after'],
  properties: {
    task_id: ID_SCHEMA,
    history: { type: 'array', items: HistoryEntrySchema },
    next_after: nullable({ ...HISTORY_ID, description: 'pass as after for the next page; null on the last page' }),
  },
};

export const TicketSchema: JsonSchema = {
  type: 'object',
  required: ['ticket', 'expires_at'],
  properties: {
    ticket: { type: 'string', description: 'pass as ?ticket= to GET /events/stream once, within 60 s' },
    expires_at: TIME,
  },
};

export const StreamQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ticket: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'a ticket from POST /events/tickets (instead of an Authorization header); single use',
    },
    task_id: { ...ID_SCHEMA, description: "only this task's events" },
    namespace: { type: 'string', minLength: 1, maxLength: 255, pattern: NO_NUL, description: 'only this namespace' },
  },
};

export const StreamEventSchema: JsonSchema = {
  type: 'object',
  description:
    'The data of each event; the SSE `id:` is the history row id and `event:` the event name (task.started, task.completed, ' +
    'step.failed, …).',
  required: ['task_id', 'workflow_step_id', 'step', 'namespace', 'name', 'from_state', 'to_state', 'run', 'at'],
  properties: {
    task_id: ID_SCHEMA,
    workflow_step_id: nullable(ID_SCHEMA),
    step: nullable({ type: 'string' }),
    namespace: { type: 'string' },
    name: { type: 'string', description: 'the task template name' },
    from_state: nullable({ type: 'string' }),
    to_state: { type: 'string' },
    attempt: nullable({ type: 'integer' }),
    run: { type: 'integer' },
    at: TIME,
  },
};
