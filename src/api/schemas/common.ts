// JSON Schemas shared by every route: the error envelope, id parameters and small helpers. Schemas are written in
// the OpenAPI 3.0 dialect (`nullable`, no type arrays) so the same objects validate requests and document the API.

export type JsonSchema = Record<string, unknown>;

/** `schema` that also accepts null (OpenAPI 3.0 style). */
export function nullable(schema: JsonSchema): JsonSchema {
  return { ...schema, nullable: true };
}

/** Any JSON value (serialised as is). */
export const ANY_JSON: JsonSchema = {};

export const ErrorSchema: JsonSchema = {
  type: 'object',
  description:
    'Every 4xx/5xx answer: a stable machine-readable code, a message for people, and details (field errors, ids).',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', example: 'invalid_request' },
        message: { type: 'string' },
        details: ANY_JSON,
      },
    },
  },
};

/** Task and step ids are positive integers. */
export const ID_SCHEMA: JsonSchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };

export const TaskIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { ...ID_SCHEMA, description: 'task id' } },
};

/** Text without NUL characters (PostgreSQL text columns cannot hold them). */
export const NO_NUL = '^[^\\u0000]*$';

/**
 * A step of the task in the path: all digits is a workflow step id (positive), anything else the step's name within
 * the task (templates refuse all-digit step names). The parameter keeps the name `step_id`, so the route keys of
 * tokens files (`POST /tasker/tasks/:id/workflow_steps/:step_id/retry`) stay the same.
 */
export const StepParams: JsonSchema = {
  type: 'object',
  required: ['id', 'step_id'],
  additionalProperties: false,
  properties: {
    id: { ...ID_SCHEMA, description: 'task id' },
    step_id: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: NO_NUL,
      description: "the step: its workflow step id (all digits) or its name within the task (e.g. 'charge')",
      example: 'charge',
    },
  },
};

/** Optional free text an operator gives for an action; recorded in the history rows. */
export const REASON_SCHEMA: JsonSchema = nullable({ type: 'string', maxLength: 1000, pattern: NO_NUL });

export const EMPTY_QUERY: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
