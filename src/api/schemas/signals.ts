// JSON Schemas of the signal routes (durable waits): a signal sent to a task by id or by idempotency key, the receipt
// the engine answers, and a task's signals as the store keeps them.
import { SIGNAL_KEY_MAX_LENGTH, SIGNAL_NAME_PATTERN, SIGNAL_PAYLOAD_MAX_BYTES } from '../../core/store-contract.js';
import { ANY_JSON, ID_SCHEMA, NO_NUL, nullable, type JsonSchema } from './common.js';

const TIME: JsonSchema = { type: 'string', format: 'date-time' };

const SIGNAL_NAME: JsonSchema = {
  type: 'string',
  pattern: SIGNAL_NAME_PATTERN.source,
  description: 'the name a step of the task waits for (`wait_for: { signal: <name> }`)',
  example: 'approval',
};

const SIGNAL_FIELDS = {
  payload: {
    ...ANY_JSON,
    description: `any JSON (null when absent), at most ${SIGNAL_PAYLOAD_MAX_BYTES / 1024} KB as JSON: the waiting step's results`,
  },
  signal_id: {
    type: 'string',
    minLength: 1,
    maxLength: SIGNAL_KEY_MAX_LENGTH,
    pattern: NO_NUL,
    description: "the sender's id of this signal: sending the same id again to the task delivers nothing new",
  },
};

export const SignalParams: JsonSchema = {
  type: 'object',
  required: ['id', 'name'],
  additionalProperties: false,
  properties: { id: { ...ID_SCHEMA, description: 'task id' }, name: SIGNAL_NAME },
};

export const SignalBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: SIGNAL_FIELDS,
};

export const SignalByKeyBody: JsonSchema = {
  type: 'object',
  required: ['idempotency_key', 'name'],
  additionalProperties: false,
  properties: {
    idempotency_key: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: NO_NUL,
      description: 'the idempotency_key the task was created with',
    },
    name: SIGNAL_NAME,
    ...SIGNAL_FIELDS,
  },
};

export const SignalReceiptSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'name', 'signal_id', 'delivered', 'woke'],
  properties: {
    task_id: ID_SCHEMA,
    name: { type: 'string' },
    signal_id: {
      type: 'integer',
      minimum: 1,
      description: "the store's number of the signal (for a repeated signal_id: the first signal's)",
    },
    delivered: { type: 'boolean', description: 'false when the same signal_id was sent before: nothing changed' },
    woke: { type: 'integer', minimum: 0, description: 'steps parked for the signal that became ready now' },
  },
};

export const SignalSchema: JsonSchema = {
  type: 'object',
  required: ['signal_id', 'name', 'signal_key', 'payload', 'actor', 'received_at', 'consumed_step_id', 'consumed_at'],
  properties: {
    signal_id: { type: 'integer', minimum: 1 },
    name: { type: 'string' },
    signal_key: nullable({ type: 'string', description: 'the signal_id its sender gave, if any' }),
    payload: ANY_JSON,
    actor: nullable({ type: 'string', description: 'who sent it (token:<name>, jwt:<sub>, X-Tasker-Actor, cli:…)' }),
    received_at: TIME,
    consumed_step_id: nullable({
      ...ID_SCHEMA,
      description: 'the step that took it; null while kept for a step that has not waited for it yet',
    }),
    consumed_at: nullable(TIME),
  },
};

export const SignalListSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'signals'],
  properties: { task_id: ID_SCHEMA, signals: { type: 'array', items: SignalSchema } },
};
