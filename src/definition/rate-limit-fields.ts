// Reads rate limits (flow control): a template's `rate_limits:` mapping of named token buckets
// (`payment_gateway: { limit: 100, period: 1m, burst: 10 }`) and a step's `rate_limit:` use of one
// (`payment_gateway`, or `payment_gateway:context.merchant_id` for one bucket per key value). Problems are reported in
// place with the YAML path.
import { parseDuration } from '../core/duration.js';
import { FieldReader, isPlainObject, type IssueCollector, type RawObject } from './issue-collector.js';
import { RATE_LIMIT_BOUNDS, RATE_LIMIT_NAME_PATTERN } from '../core/store-rate-limits.js';
import { KEY_FIELD } from './concurrency-fields.js';
import type { RateLimitSpec, RateLimitUse } from './model.js';
import type { Path } from './source-locator.js';
import { RATE_LIMIT_KEYS } from './template-keys.js';

/** The name pattern and bounds are the store's (core/store-rate-limits.ts), so a template and the store agree. */
const { maxLimit, minPeriodMs, maxPeriodMs } = RATE_LIMIT_BOUNDS;

/** Read `limit`, `period` and `burst` of one limit at `path` (also the API's and CLI's check); undefined when bad. */
export function readRateLimitSpec(
  c: IssueCollector,
  raw: unknown,
  path: Path,
  name: string,
): RateLimitSpec | undefined {
  const where = `rate limit '${name}'`;
  if (!isPlainObject(raw)) {
    c.wrongType('a mapping with limit and period (e.g. { limit: 100, period: 1m })', raw, path, where);
    return undefined;
  }
  c.unknownKeys(raw, RATE_LIMIT_KEYS, path, where);
  const r = new FieldReader(c, raw, path);
  const limit = r.integerIn('limit', 1, maxLimit);
  const burst = r.has('burst') ? r.integerIn('burst', 0, maxLimit) : 0;
  for (const key of ['limit', 'period'] as const) {
    if (!r.has(key)) {
      const what = key === 'limit' ? 'how many starts per period' : "the period the limit counts over, e.g. '1m'";
      c.add('missing_key', `${where} has no '${key}' (${what})`, { path, key: `rate_limits.${name}.${key}` });
    }
  }
  let period: number | undefined;
  if (r.has('period')) {
    const parsed = parseDuration(raw['period']);
    if ('error' in parsed || parsed.ms < minPeriodMs || parsed.ms > maxPeriodMs) {
      const why = 'error' in parsed ? parsed.error : `must be between 1 ms and 365d, got '${String(raw['period'])}'`;
      c.add('invalid_value', `${where}: period ${why}`, { path: [...path, 'period'], key: 'period' });
    } else period = parsed.ms;
  }
  if (limit === undefined || period === undefined || burst === undefined) return undefined;
  return { limit, period, burst };
}

/** A template's `rate_limits`, or undefined when it declares none (or only bad ones, reported). */
export function readRateLimits(c: IssueCollector, raw: RawObject): Record<string, RateLimitSpec> | undefined {
  const value = raw['rate_limits'];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    c.wrongType(
      'a mapping of named rate limits (name: { limit, period, burst })',
      value,
      ['rate_limits'],
      'rate_limits',
    );
    return undefined;
  }
  const limits: Record<string, RateLimitSpec> = {};
  for (const [name, spec] of Object.entries(value)) {
    const path: Path = ['rate_limits', name];
    if (!RATE_LIMIT_NAME_PATTERN.test(name)) {
      c.add('invalid_value', `rate limit name '${name}' may hold only letters, digits, '_', '.' and '-'`, {
        path,
        key: 'rate_limits',
      });
      continue;
    }
    const read = readRateLimitSpec(c, spec, path, name);
    if (read !== undefined) limits[name] = read;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** A step's `rate_limit` at `path`: `name` or `name:context.field[,context.field]`; undefined when bad (reported). */
export function readRateLimitUse(
  c: IssueCollector,
  value: unknown,
  path: Path,
  step: string,
): RateLimitUse | undefined {
  if (typeof value !== 'string') {
    c.wrongType(
      "a rate limit name, optionally keyed ('payment_gateway:context.merchant_id')",
      value,
      path,
      'rate_limit',
      step,
    );
    return undefined;
  }
  const at = value.indexOf(':');
  const name = (at < 0 ? value : value.slice(0, at)).trim();
  if (!RATE_LIMIT_NAME_PATTERN.test(name)) {
    c.add('invalid_value', `rate_limit '${value}' does not start with a limit name (letters, digits, '_', '.', '-')`, {
      path,
      key: 'rate_limit',
      step,
    });
    return undefined;
  }
  if (at < 0) return { name };
  const fields = value
    .slice(at + 1)
    .split(',')
    .map((f) => f.trim());
  const bad = fields.filter((f) => !KEY_FIELD.test(f));
  if (bad.length > 0) {
    c.add(
      'invalid_value',
      `rate_limit key ${bad.map((b) => `'${b}'`).join(', ')} is not a context field: write ` +
        `${name}:context.<field>, several separated by commas (e.g. '${name}:context.merchant_id')`,
      { path, key: 'rate_limit', step },
    );
    return undefined;
  }
  return { name, key: fields.join(',') };
}
