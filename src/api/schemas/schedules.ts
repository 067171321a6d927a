// JSON Schemas of cron schedules: a schedule (engine/schedule-json.ts), the list, the path naming one, the bodies of
// pause, resume and trigger, and a trigger's result.
import { ID_SCHEMA, NO_NUL, REASON_SCHEMA, nullable, type JsonSchema } from './common.js';

const TIME: JsonSchema = { type: 'string', format: 'date-time' };

const scheduleProperties = {
  namespace: { type: 'string' },
  name: { type: 'string', description: "the template's name" },
  schedule: { type: 'string', description: "the schedule's name within the template" },
  version: { type: 'string', description: 'the template version whose declaration applies (the newest registered)' },
  declared: { type: 'boolean', description: 'false once that version no longer declares it: it ticks no more' },
  cron: { type: 'string', description: 'five fields, or six with seconds first' },
  timezone: { type: 'string', description: 'IANA time zone the expression is read in' },
  catch_up: {
    type: 'string',
    enum: ['none', 'latest', 'all'],
    description: 'what ticks missed while nothing ran or while paused become',
  },
  enabled: { type: 'boolean' },
  context: { type: 'object', additionalProperties: true, description: 'the context of every task a tick creates' },
  paused: { type: 'boolean' },
  paused_at: nullable(TIME),
  paused_by: nullable({ type: 'string' }),
  resumed_at: nullable(TIME),
  last_tick_at: { ...nullable(TIME), description: 'the latest tick that created a task (triggers are not ticks)' },
  last_task_id: nullable(ID_SCHEMA),
  next_tick_at: { ...nullable(TIME), description: 'the next tick; null while paused, disabled or no longer declared' },
};

export const ScheduleSchema: JsonSchema = {
  type: 'object',
  required: Object.keys(scheduleProperties),
  properties: scheduleProperties,
};

export const ScheduleListSchema: JsonSchema = {
  type: 'object',
  required: ['schedules'],
  properties: { schedules: { type: 'array', items: ScheduleSchema } },
};

const SEGMENT: JsonSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: NO_NUL };

export const ScheduleParams: JsonSchema = {
  type: 'object',
  required: ['namespace', 'name', 'schedule'],
  additionalProperties: false,
  properties: {
    namespace: { ...SEGMENT, description: "the template's namespace" },
    name: { ...SEGMENT, description: "the template's name" },
    schedule: { ...SEGMENT, description: "the schedule's name within the template", example: 'hourly_rollup' },
  },
};

export const ScheduleActionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: REASON_SCHEMA },
};

export const TriggerResultSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'scheduled_for'],
  properties: {
    task_id: ID_SCHEMA,
    scheduled_for: { ...TIME, description: "when it was triggered: the task's scheduled_for" },
  },
};
