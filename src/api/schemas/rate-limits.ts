// JSON schemas of the rate-limit routes (flow control): a named limit as set by an operator, and a limit as the store
// keeps it, with where it came from and what uses it.
import { RATE_LIMIT_NAME_PATTERN } from '../../core/store-rate-limits.js';
import type { JsonSchema } from './common.js';

const RATE_LIMIT_NAME = { type: 'string', pattern: RATE_LIMIT_NAME_PATTERN.source, maxLength: 200 } as const;

export const RateLimitParams: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { ...RATE_LIMIT_NAME, description: 'the limit name steps use (`rate_limit: name`)' } },
};

export const RateLimitBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['limit', 'period'],
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'starts per period' },
    period: {
      oneOf: [
        { type: 'string', maxLength: 40 },
        { type: 'integer', minimum: 1 },
      ],
      description: "a duration such as '1m' or '90s', or milliseconds",
    },
    burst: {
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
      description: 'extra starts allowed at once beyond the steady rate (default 0)',
    },
  },
};

export const RateLimitSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'limit', 'period_ms', 'burst', 'source', 'updated_at', 'buckets', 'waiting'],
  properties: {
    name: RATE_LIMIT_NAME,
    limit: { type: 'integer', minimum: 1 },
    period_ms: { type: 'integer', minimum: 1 },
    burst: { type: 'integer', minimum: 0 },
    source: {
      type: 'string',
      enum: ['template', 'operator'],
      description: 'template: the newest declaration of a template; operator: set by hand, overrides templates',
    },
    updated_at: { type: 'string', format: 'date-time' },
    buckets: { type: 'integer', minimum: 0, description: 'buckets in use (one per key value for a keyed use)' },
    waiting: { type: 'integer', minimum: 0, description: 'steps waiting for a token now' },
  },
};

export const RateLimitListSchema: JsonSchema = {
  type: 'object',
  required: ['rate_limits'],
  properties: { rate_limits: { type: 'array', items: RateLimitSchema } },
};
