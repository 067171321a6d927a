// JSON Schema of GET /stats: the overview's figures (tasks and steps by state, the last hour and day, the ready
// queue, workers and the templates that fail most).
import { nullable, type JsonSchema } from './common.js';

const TIME: JsonSchema = { type: 'string', format: 'date-time' };
const COUNTS: JsonSchema = { type: 'object', additionalProperties: { type: 'integer' } };

const windowSchema = (span: string): JsonSchema => ({
  type: 'object',
  required: ['completed', 'failed', 'retried'],
  properties: {
    completed: { type: 'integer', description: `tasks that reached completed in the last ${span}` },
    failed: { type: 'integer', description: `tasks that reached failed in the last ${span}` },
    retried: { type: 'integer', description: `step attempts that failed and were scheduled again in the last ${span}` },
  },
});

export const StatsSchema: JsonSchema = {
  type: 'object',
  required: [
    'tasks',
    'steps',
    'last_hour',
    'last_day',
    'ready_steps',
    'oldest_ready_age_seconds',
    'workers',
    'failing_templates',
    'generated_at',
  ],
  properties: {
    tasks: { ...COUNTS, description: 'tasks by state (every state, 0 when none)' },
    steps: { ...COUNTS, description: 'steps by state (every state, 0 when none)' },
    last_hour: windowSchema('hour'),
    last_day: windowSchema('day'),
    ready_steps: { type: 'integer', description: 'steps claimable now' },
    oldest_ready_age_seconds: nullable({
      type: 'number',
      description: 'how long the oldest claimable step has waited (queue lag); null when none',
    }),
    workers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['worker_id', 'host', 'pid', 'last_heartbeat_at', 'alive'],
        properties: {
          worker_id: { type: 'string' },
          host: { type: 'string' },
          pid: { type: 'integer' },
          last_heartbeat_at: TIME,
          alive: { type: 'boolean', description: 'seen within its lease (30 s unless it said otherwise)' },
        },
      },
    },
    failing_templates: {
      type: 'array',
      description: 'the 10 templates with most tasks failed in the last day, most first',
      items: {
        type: 'object',
        required: ['namespace', 'name', 'version', 'failed'],
        properties: {
          namespace: { type: 'string' },
          name: { type: 'string' },
          version: { type: 'string' },
          failed: { type: 'integer' },
        },
      },
    },
    generated_at: { ...TIME, description: "the store's clock when read" },
  },
};
