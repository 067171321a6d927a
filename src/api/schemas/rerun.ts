// JSON Schemas of the rerun routes: the body of a rerun from a step (one task) and of a bulk rerun (a task filter and
// a step name, with a dry run), and the bulk result. A single rerun answers the task JSON (schemas/tasks.ts).
import { TASK_STATES } from '../../core/states.js';
import { ID_SCHEMA, NO_NUL, type JsonSchema } from './common.js';

const RERUN_REASON: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 1000,
  pattern: NO_NUL,
  description: 'why the task runs again; recorded in the history rows',
};

const DOWNSTREAM: JsonSchema = {
  type: 'boolean',
  default: true,
  description: 'also rerun every step downstream of it (default); false reruns the step alone',
};

export const RerunBody: JsonSchema = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    downstream: DOWNSTREAM,
    reason: RERUN_REASON,
    context_patch: {
      type: 'object',
      additionalProperties: true,
      description:
        'a JSON merge patch (RFC 7386: null removes a key) applied to the task context before the rerun, validated ' +
        "against the schema of the task's template version and recorded in the history; needs the admin scope",
    },
  },
};

const SHORT: JsonSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: NO_NUL };
const TIME: JsonSchema = { type: 'string', format: 'date-time' };

export const RerunFilterSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'the task-list filters; only completed and failed tasks are rerun whatever state says',
  properties: {
    namespace: SHORT,
    name: SHORT,
    version: { ...SHORT, maxLength: 64 },
    state: {
      anyOf: [
        { type: 'string', enum: [...TASK_STATES] },
        { type: 'array', maxItems: TASK_STATES.length, items: { type: 'string', enum: [...TASK_STATES] } },
      ],
    },
    tag: {
      anyOf: [SHORT, { type: 'array', maxItems: 100, items: SHORT }],
      description: 'every tag given must be on the task',
    },
    created_after: { ...TIME, description: 'exclusive lower bound on created_at' },
    created_before: { ...TIME, description: 'exclusive upper bound on created_at' },
  },
};

export const BulkRerunBody: JsonSchema = {
  type: 'object',
  required: ['filter', 'step'],
  additionalProperties: false,
  properties: {
    filter: RerunFilterSchema,
    step: { ...SHORT, description: 'the name of the step to rerun from, in every task selected' },
    downstream: DOWNSTREAM,
    reason: { ...RERUN_REASON, description: 'why the tasks run again (required unless dry_run)' },
    dry_run: { type: 'boolean', default: false, description: 'count the tasks it would rerun; change nothing' },
    batch_size: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 100,
      description: 'tasks read and rerun per page',
    },
  },
};

export const BulkRerunResultSchema: JsonSchema = {
  type: 'object',
  required: ['matched', 'rerun', 'task_ids', 'errors', 'dry_run'],
  properties: {
    matched: { type: 'integer', minimum: 0, description: 'completed or failed tasks the filter selected' },
    rerun: { type: 'integer', minimum: 0, description: 'tasks rerun (0 in a dry run)' },
    task_ids: { type: 'array', items: ID_SCHEMA, description: 'tasks rerun, or in a dry run those that would be' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['task_id', 'code', 'message'],
        properties: { task_id: ID_SCHEMA, code: { type: 'string' }, message: { type: 'string' } },
      },
      description: 'tasks selected that could not be rerun, with why',
    },
    dry_run: { type: 'boolean' },
  },
};
