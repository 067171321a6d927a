// JSON Schemas of the handler catalogue (namespaces, templates, one template with its dependency graph) and of the
// health routes (summary, liveness, readiness, store status).
import { nullable, type JsonSchema } from './common.js';

const NAME_PARAM: JsonSchema = { type: 'string', minLength: 1, maxLength: 255 };

export const NamespaceParams: JsonSchema = {
  type: 'object',
  required: ['namespace'],
  additionalProperties: false,
  properties: { namespace: NAME_PARAM },
};

export const TemplateParams: JsonSchema = {
  type: 'object',
  required: ['namespace', 'name'],
  additionalProperties: false,
  properties: { namespace: NAME_PARAM, name: NAME_PARAM },
};

export const TemplateQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'exact version; the latest by semver when absent',
    },
  },
};

export const NamespaceListSchema: JsonSchema = {
  type: 'object',
  required: ['namespaces'],
  properties: {
    namespaces: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'template_count'],
        properties: { name: { type: 'string' }, template_count: { type: 'integer' } },
      },
    },
  },
};

export const NamespaceSchema: JsonSchema = {
  type: 'object',
  required: ['namespace', 'templates'],
  properties: {
    namespace: { type: 'string' },
    templates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'versions', 'latest_version', 'description'],
        properties: {
          name: { type: 'string' },
          versions: { type: 'array', items: { type: 'string' } },
          latest_version: { type: 'string' },
          description: nullable({ type: 'string' }),
        },
      },
    },
  },
};

export const StepTemplateSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'handler_class', 'depends_on', 'default_retryable', 'default_retry_limit', 'skippable'],
  properties: {
    name: { type: 'string' },
    description: nullable({ type: 'string' }),
    dependent_system: nullable({ type: 'string' }),
    handler_class: { type: 'string', description: 'the resolved handler class name' },
    handler_config: { type: 'object', additionalProperties: true },
    depends_on: { type: 'array', items: { type: 'string' } },
    default_retryable: { type: 'boolean' },
    default_retry_limit: { type: 'integer' },
    skippable: { type: 'boolean' },
    timeout_ms: nullable({ type: 'integer' }),
    map: {
      ...nullable({
        type: 'object',
        required: ['over'],
        properties: { over: { type: 'string' }, max_parallel: { type: 'integer', minimum: 1 } },
      }),
      description: "a mapped step: the list it runs once per item of ('over') and how many instances may run at once",
    },
    retry: nullable({
      type: 'object',
      properties: {
        base: { type: 'number' },
        multiplier: { type: 'number' },
        max: { type: 'number' },
        jitter: { type: 'number' },
      },
    }),
  },
};

export const GraphSchema: JsonSchema = {
  type: 'object',
  required: ['nodes', 'edges', 'levels'],
  properties: {
    nodes: { type: 'array', items: { type: 'string' } },
    edges: {
      type: 'array',
      items: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: { type: 'string' }, to: { type: 'string' } },
      },
    },
    levels: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
  },
};

export const TemplateSchema: JsonSchema = {
  type: 'object',
  required: ['namespace', 'name', 'version', 'versions', 'step_templates', 'dependency_graph'],
  properties: {
    namespace: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    versions: { type: 'array', items: { type: 'string' } },
    description: nullable({ type: 'string' }),
    task_handler_class: nullable({ type: 'string' }),
    context_schema: nullable({ type: 'object', additionalProperties: true }),
    step_templates: { type: 'array', items: StepTemplateSchema },
    dependency_graph: GraphSchema,
  },
};

export const LiveSchema: JsonSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
};

const storeHealth: JsonSchema = {
  type: 'object',
  required: ['kind', 'ok'],
  properties: {
    kind: { type: 'string', enum: ['sqlite', 'postgres'] },
    url: { type: 'string', description: 'the store URL with any credential masked as ***' },
    ok: { type: 'boolean' },
    latency_ms: nullable({ type: 'number' }),
    error: nullable({ type: 'string' }),
  },
};

export const ReadySchema: JsonSchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ready', 'not_ready'] } },
};

export const HealthSummarySchema: JsonSchema = {
  type: 'object',
  required: ['status', 'version', 'uptime_s', 'store', 'worker', 'templates'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    version: { type: 'string' },
    uptime_s: { type: 'number' },
    store: storeHealth,
    worker: {
      type: 'object',
      required: ['worker_id', 'concurrency'],
      properties: {
        worker_id: { type: 'string' },
        concurrency: nullable({
          type: 'integer',
          description: 'steps run at once in this process; 0 = API only; null when not told',
        }),
      },
    },
    templates: { type: 'integer', description: 'registered template versions' },
  },
};

const countsByState: JsonSchema = { type: 'object', additionalProperties: { type: 'integer' } };

export const StatusSchema: JsonSchema = {
  type: 'object',
  required: ['tasks_by_state', 'steps_by_state', 'ready_depth', 'workers'],
  properties: {
    tasks_by_state: countsByState,
    steps_by_state: countsByState,
    ready_depth: { type: 'integer', description: 'steps claimable now' },
    workers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['worker_id', 'hostname', 'pid', 'namespaces', 'started_at', 'last_seen_at'],
        properties: {
          worker_id: { type: 'string' },
          hostname: { type: 'string' },
          pid: { type: 'integer' },
          namespaces: nullable({ type: 'array', items: { type: 'string' } }),
          started_at: { type: 'string', format: 'date-time' },
          last_seen_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};

export const MetricsText: JsonSchema = { type: 'string', description: 'Prometheus text exposition format' };
export const OpenApiDocument: JsonSchema = { type: 'object', additionalProperties: true, description: 'this document' };
