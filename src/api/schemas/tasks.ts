// JSON Schemas of tasks and steps: the task JSON the engine produces (engine/task-json.ts), the create body, the
// list query and page, a step with its attempt history, and the operator action bodies and result.
import { STEP_STATES, STEP_WAITS, TASK_STATES, TASK_WAITS } from '../../core/states.js';
import { MAX_PRIORITY, MIN_PRIORITY } from '../../core/store-flow.js';
import { TASK_SORT_KEYS } from '../../core/store-contract.js';
import { ANY_JSON, ID_SCHEMA, NO_NUL, REASON_SCHEMA, nullable, type JsonSchema } from './common.js';

const TIME: JsonSchema = { type: 'string', format: 'date-time' };
const SHORT_TEXT: JsonSchema = { type: 'string', maxLength: 255 };
export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 50;

const summaryProperties = {
  task_id: ID_SCHEMA,
  namespace: { type: 'string' },
  name: { type: 'string' },
  version: { type: 'string' },
  current_state: { type: 'string', enum: [...TASK_STATES] },
  initiator: nullable({ type: 'string' }),
  source_system: nullable({ type: 'string' }),
  reason: nullable({ type: 'string' }),
  tags: { type: 'array', items: { type: 'string' } },
  idempotency_key: nullable({ type: 'string' }),
  correlation_id: { type: 'string' },
  run: { type: 'integer', minimum: 1, description: "the task's run: 1, then one more per rerun from a step" },
  created_at: TIME,
  completed_at: nullable(TIME),
  priority: {
    type: 'integer',
    minimum: MIN_PRIORITY,
    maximum: MAX_PRIORITY,
    description: "claim priority of the task's steps: higher first, then by the time they became ready",
  },
  run_at: { ...nullable(TIME), description: 'the delayed start asked for (run_at or delay), or null' },
  waiting_for: {
    ...nullable({ type: 'string', enum: [...TASK_WAITS, null] }),
    description:
      'why the unfinished task does not progress: delay (its run_at has not come), paused (the task, its template or ' +
      'its namespace is paused); a task held back before its first step is pending, a started one stays running',
  },
  paused: { type: 'boolean', description: 'the task, its template or its namespace is paused' },
};

export const TaskSummarySchema: JsonSchema = {
  type: 'object',
  required: Object.keys(summaryProperties),
  properties: summaryProperties,
};

export const StepErrorSchema: JsonSchema = nullable({
  type: 'object',
  required: ['message', 'class', 'code'],
  properties: {
    message: { type: 'string' },
    class: { type: 'string' },
    code: nullable({ type: 'string' }),
    backtrace: nullable({
      type: 'string',
      description:
        "attempt_history only: the first lines of the error's stack, as persisted (an excerpt, never all of it)",
    }),
  },
});

const stepProperties = {
  workflow_step_id: ID_SCHEMA,
  name: { type: 'string' },
  current_state: { type: 'string', enum: [...STEP_STATES] },
  depends_on: { type: 'array', items: { type: 'string' } },
  attempts: { type: 'integer', minimum: 0 },
  retry_limit: { type: 'integer', minimum: 0 },
  retryable: { type: 'boolean' },
  results: { ...ANY_JSON, description: 'whatever the handler returned' },
  error: StepErrorSchema,
  started_at: nullable(TIME),
  completed_at: nullable(TIME),
  duration_ms: nullable({ type: 'number' }),
  waiting_for: {
    ...nullable({ type: 'string', enum: [...STEP_WAITS, null] }),
    description:
      "'worker' when the step could run now but no live worker has its template version with all its handlers; " +
      "'delay' or 'paused' while its task is held back; 'concurrency' or 'rate_limit' while it waits for a slot or " +
      "a token; a parked step (pending, no lease, no worker slot): 'signal' (wait_for: { signal }), 'timer' " +
      "(wait_for: { duration } or { until }), 'subtask' (its child task), 'map' (its instances)",
  },
};

/** A map instance, under its step's `map.instances`: a step with its item's index. */
const MapInstanceSchema: JsonSchema = {
  type: 'object',
  required: [...Object.keys(stepProperties), 'map_index'],
  properties: {
    ...stepProperties,
    map_index: { type: 'integer', minimum: 0, description: "the index of the item of the step's list it runs for" },
  },
};

const MapSchema: JsonSchema = {
  type: 'object',
  description:
    'a mapped step (`map:` in its template) once expanded: one instance per item of its list, in item order ' +
    "(they are not listed among the task's steps); the step's results are their results as one array",
  required: ['size', 'counts', 'instances'],
  properties: {
    size: { type: 'integer', minimum: 1, description: 'how many instances (items)' },
    counts: {
      type: 'object',
      description: 'how many instances are in each state (states with none left out)',
      additionalProperties: { type: 'integer', minimum: 1 },
    },
    instances: { type: 'array', items: MapInstanceSchema },
  },
};

export const StepSchema: JsonSchema = {
  type: 'object',
  required: Object.keys(stepProperties),
  properties: { ...stepProperties, map: MapSchema },
};

export const TaskSchema: JsonSchema = {
  type: 'object',
  required: [
    ...Object.keys(summaryProperties),
    'scheduled_for',
    'planned',
    'parent_task_id',
    'parent_step_id',
    'subtasks',
    'context',
    'annotations',
    'workflow_steps',
  ],
  properties: {
    ...summaryProperties,
    scheduled_for: {
      ...nullable(TIME),
      description: 'the tick a cron schedule created the task for (or when it was triggered by hand); null otherwise',
    },
    planned: {
      type: 'boolean',
      description: "false until a worker with the template's handlers has run the task handler's planning hook",
    },
    parent_task_id: { ...nullable(ID_SCHEMA), description: "a sub-workflow's parent task; null for a top-level task" },
    parent_step_id: { ...nullable(ID_SCHEMA), description: "the parent's step that waits for this sub-workflow" },
    subtasks: {
      type: 'array',
      description: 'the sub-workflows this task started (its subtask steps), oldest first',
      items: {
        type: 'object',
        required: ['task_id', 'parent_step_id', 'namespace', 'name', 'version', 'current_state'],
        properties: {
          task_id: ID_SCHEMA,
          parent_step_id: ID_SCHEMA,
          namespace: { type: 'string' },
          name: { type: 'string' },
          version: { type: 'string' },
          current_state: { type: 'string', enum: [...TASK_STATES] },
        },
      },
    },
    context: { type: 'object', additionalProperties: true },
    annotations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['annotation_type', 'content', 'created_at'],
        properties: { annotation_type: { type: 'string' }, content: ANY_JSON, created_at: TIME },
      },
    },
    workflow_steps: { type: 'array', items: StepSchema },
  },
};

export const TaskCreateBody: JsonSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, description: 'template name' },
    namespace: { type: 'string', minLength: 1, maxLength: 255, description: "template namespace (default 'default')" },
    version: nullable({
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'exact template version; latest when absent',
    }),
    context: {
      type: 'object',
      additionalProperties: true,
      description: "the task's input, validated by the template's schema",
    },
    initiator: nullable(SHORT_TEXT),
    source_system: nullable(SHORT_TEXT),
    reason: nullable({ type: 'string', maxLength: 1000 }),
    tags: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 255 } },
    idempotency_key: nullable({
      ...SHORT_TEXT,
      minLength: 1,
      description: 'a repeated key answers 409 with the existing task_id',
    }),
    bypass_steps: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 255 } },
    run_at: nullable({
      type: 'string',
      maxLength: 64,
      description:
        'start no step before this RFC 3339 time (2026-05-01T09:00:00Z), at most 365 days ahead; not with delay',
    }),
    delay: {
      description:
        "start no step before this long after submission: a string such as '90s', '5m', '2h', '1d' or '1h30m', or an " +
        'integer of milliseconds (at most 365 days); not with run_at',
      example: '5m',
    },
    priority: nullable({
      type: 'integer',
      description: `claim priority of the task's steps, ${MIN_PRIORITY}..${MAX_PRIORITY}, higher first; overrides the template's`,
    }),
  },
};

export const TaskListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', maxLength: 255, pattern: NO_NUL },
    name: { type: 'string', maxLength: 255, pattern: NO_NUL },
    version: { type: 'string', maxLength: 64, pattern: NO_NUL },
    state: {
      type: 'array',
      maxItems: TASK_STATES.length,
      items: { type: 'string', enum: [...TASK_STATES] },
      description: 'repeat for several states',
    },
    created_after: { ...TIME, description: 'exclusive lower bound on created_at (ISO 8601)' },
    created_before: { ...TIME, description: 'exclusive upper bound on created_at (ISO 8601)' },
    tag: {
      type: 'array',
      maxItems: 20,
      items: { type: 'string', minLength: 1, maxLength: 255, pattern: NO_NUL },
      description: 'tasks carrying this tag; repeat for several (all must match)',
    },
    q: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: NO_NUL,
      description: 'the task id (all digits), or a correlation id or idempotency key, exactly or by prefix',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'next_cursor of the previous page',
    },
    sort: { type: 'string', enum: [...TASK_SORT_KEYS], default: 'created_at' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
  },
};

export const TaskPageSchema: JsonSchema = {
  type: 'object',
  required: ['tasks', 'next_cursor'],
  properties: { tasks: { type: 'array', items: TaskSummarySchema }, next_cursor: nullable({ type: 'string' }) },
};

export const CancelQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 1000, pattern: NO_NUL } },
};

export const StepListSchema: JsonSchema = {
  type: 'object',
  required: ['task_id', 'workflow_steps'],
  properties: { task_id: ID_SCHEMA, workflow_steps: { type: 'array', items: StepSchema } },
};

export const AttemptSchema: JsonSchema = {
  type: 'object',
  required: ['attempt', 'started_at', 'ended_at', 'outcome', 'error', 'worker'],
  properties: {
    attempt: nullable({ type: 'integer' }),
    started_at: TIME,
    ended_at: nullable(TIME),
    outcome: nullable({
      type: 'string',
      description: 'the state the attempt ended in (completed, retrying, failed, cancelled, pending when released)',
    }),
    error: StepErrorSchema,
    worker: nullable({ type: 'string', description: 'the worker that ran the attempt' }),
  },
};

export const TransitionSchema: JsonSchema = {
  type: 'object',
  required: ['from_state', 'to_state', 'at', 'reason', 'attempt', 'actor'],
  properties: {
    from_state: nullable({ type: 'string' }),
    to_state: { type: 'string' },
    at: TIME,
    reason: nullable({ type: 'string' }),
    attempt: nullable({ type: 'integer' }),
    actor: nullable({ type: 'string', description: 'a worker id, an operator (token name, X-Tasker-Actor) or null' }),
  },
};

export const StepDetailSchema: JsonSchema = {
  type: 'object',
  required: [...Object.keys(stepProperties), 'task_id', 'attempt_history', 'history'],
  properties: {
    task_id: ID_SCHEMA,
    ...stepProperties,
    map_index: { type: 'integer', minimum: 0, description: 'a map instance: the index of the item it runs for' },
    map: MapSchema,
    attempt_history: { type: 'array', items: AttemptSchema },
    history: { type: 'array', items: TransitionSchema },
  },
};

export const ReasonBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: REASON_SCHEMA },
};

export const ResolveBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    results: { ...ANY_JSON, description: 'results recorded for the step (its dependents read them)' },
    reason: REASON_SCHEMA,
  },
};

export const OperatorResultSchema: JsonSchema = {
  type: 'object',
  required: ['action', 'task_state', 'changed_step_ids', 'task'],
  properties: {
    action: { type: 'string', enum: ['retry_step', 'resolve_step', 'skip_step', 'retry_task'] },
    task_state: { type: 'string', enum: [...TASK_STATES] },
    changed_step_ids: { type: 'array', items: ID_SCHEMA },
    task: TaskSchema,
  },
};
