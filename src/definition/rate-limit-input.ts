// One named rate limit given at run time (`tasker rate-limits set`, `PUT /tasker/rate-limits/{name}`,
// `Tasker.setRateLimit`) read with the same rules and messages as a template's `rate_limits` entry; a mistake is an
// InvalidRequestError naming each bad field.
import { InvalidRequestError } from '../core/errors.js';
import type { RateLimitInput } from './define-task.js';
import { IssueCollector } from './issue-collector.js';
import type { RateLimitSpec } from './model.js';
import { RATE_LIMIT_NAME_PATTERN } from '../core/store-rate-limits.js';
import { readRateLimitSpec } from './rate-limit-fields.js';
import { noLocator } from './source-locator.js';

/** `input` as a RateLimitSpec, or InvalidRequestError listing every problem (`details`: field and message). */
export function readRateLimitInput(name: string, input: RateLimitInput): RateLimitSpec {
  if (typeof name !== 'string' || !RATE_LIMIT_NAME_PATTERN.test(name)) {
    throw new InvalidRequestError(`rate limit name '${String(name)}' may hold only letters, digits, '_', '.' and '-'`, [
      { field: 'name', message: 'letters, digits, _ . - only' },
    ]);
  }
  const c = new IssueCollector(noLocator);
  const spec = readRateLimitSpec(c, input, [], name);
  if (spec === undefined || c.issues.length > 0) {
    const details = c.issues.map((i) => ({ field: (i.key ?? '').split('.').pop() ?? '', message: i.message }));
    throw new InvalidRequestError(c.issues.map((i) => i.message).join('; '), details);
  }
  return spec;
}
