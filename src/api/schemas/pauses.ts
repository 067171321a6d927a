// JSON Schemas of the pause routes (flow control): template and namespace parameters, what a pause or resume
// changed, and the list of paused templates and namespaces.
import { TASK_STATES, TASK_WAITS } from '../../core/states.js';
import { ID_SCHEMA, nullable, type JsonSchema } from './common.js';
import { TaskSchema } from './tasks.js';

/** A namespace or template name as templates allow them: no '/', '@' or spaces. */
const NAME: JsonSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^/@\\s\\u0000]+$' };

export const TemplateParams: JsonSchema = {
  type: 'object',
  required: ['namespace', 'name'],
  additionalProperties: false,
  properties: { namespace: { ...NAME, example: 'ecommerce' }, name: { ...NAME, example: 'order_verification' } },
};

export const NamespaceParams: JsonSchema = {
  type: 'object',
  required: ['namespace'],
  additionalProperties: false,
  properties: { namespace: { ...NAME, example: 'ecommerce' } },
};

export const TaskPauseResultSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'changed', 'task_state', 'paused', 'waiting_for', 'task'],
  properties: {
    task_id: ID_SCHEMA,
    changed: { type: 'boolean', description: 'false when the task already was (or was not) paused' },
    task_state: { type: 'string', enum: [...TASK_STATES] },
    paused: { type: 'boolean', description: 'still held: by its own pause, or its template or namespace' },
    waiting_for: nullable({ type: 'string', enum: [...TASK_WAITS, null] }),
    task: TaskSchema,
  },
};

export const TemplatePauseResultSchema: JsonSchema = {
  type: 'object',
  required: ['namespace', 'name', 'changed', 'tasks'],
  properties: {
    namespace: { type: 'string' },
    name: nullable({ type: 'string', description: 'null for a namespace' }),
    changed: { type: 'boolean', description: 'false when it already was (or was not) paused' },
    tasks: { type: 'integer', minimum: 0, description: 'unfinished tasks held (pause) or released (resume)' },
  },
};

export const ConcurrencyListSchema: JsonSchema = {
  type: 'object',
  required: ['groups'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'limit', 'running', 'waiting'],
        properties: {
          key: {
            type: 'string',
            description: "'task:<namespace>/<name>:<key values>' or 'step:<namespace>/<name>/<step>[:<key values>]'",
          },
          limit: { type: 'integer', minimum: 1 },
          running: { type: 'integer', minimum: 0, description: 'slots held now' },
          waiting: { type: 'integer', minimum: 0, description: 'tasks and steps queued for a slot' },
        },
      },
    },
  },
};

export const PausedListSchema: JsonSchema = {
  type: 'object',
  required: ['paused'],
  properties: {
    paused: {
      type: 'array',
      items: {
        type: 'object',
        required: ['namespace', 'name', 'paused_at', 'actor', 'reason'],
        properties: {
          namespace: { type: 'string' },
          name: nullable({ type: 'string', description: 'null: the whole namespace is paused' }),
          paused_at: { type: 'string', format: 'date-time' },
          actor: nullable({ type: 'string' }),
          reason: nullable({ type: 'string' }),
        },
      },
    },
  },
};
