// Reads one `step_templates[]` entry (a base step or an environment override) into typed fields, merges an
// override into its base step, and turns the merged fields into the normalised StepTemplate with defaults.
import {
  DEFAULT_RETRY_LIMIT,
  DEFAULT_RETRY_POLICY,
  RETRY_POLICY_RULES,
  type ConcurrencySpec,
  type MapSpec,
  type RateLimitUse,
  type RetryPolicy,
  type StepTemplate,
  type SubtaskSpec,
  type WaitSpec,
} from './model.js';
import { readMap, readSubtask, readWaitFor } from './dynamic-step-fields.js';
import { readConcurrency } from './concurrency-fields.js';
import { readRateLimitUse } from './rate-limit-fields.js';
import { FieldReader, isPlainObject, type IssueCollector, type RawObject } from './issue-collector.js';
import type { Path } from './source-locator.js';
import { RETRY_KEYS, STEP_KEYS } from './template-keys.js';

/** A dependency as written, with the key and position it came from. */
export interface DependencyRef {
  name: string;
  key: 'depends_on_step' | 'depends_on_steps';
  path: Path;
}

/** The usable fields of one step entry; absent keys stay absent so an override only replaces what it names. */
export interface StepFields {
  path: Path;
  name?: string;
  namePath: Path;
  description?: string;
  dependent_system?: string;
  handler_class?: string;
  handler_config?: Record<string, unknown>;
  depends_on_step?: DependencyRef[];
  depends_on_steps?: DependencyRef[];
  default_retryable?: boolean;
  default_retry_limit?: number;
  skippable?: boolean;
  timeout?: number;
  retry?: Partial<RetryPolicy>;
  concurrency?: ConcurrencySpec;
  rate_limit?: RateLimitUse;
  wait_for?: WaitSpec;
  subtask?: SubtaskSpec;
  map?: MapSpec;
}

function readRetry(c: IssueCollector, raw: RawObject, path: Path, step: string | undefined): Partial<RetryPolicy> {
  c.unknownKeys(raw, RETRY_KEYS, path, 'retry', step);
  const out: Partial<RetryPolicy> = {};
  const num = (key: keyof RetryPolicy, ok: (n: number) => boolean, expected: string): void => {
    const v = raw[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      c.wrongType(expected, v, [...path, key], `retry.${key}`, step);
      return;
    }
    out[key] = v;
  };
  for (const [key, rule] of Object.entries(RETRY_POLICY_RULES)) num(key as keyof RetryPolicy, rule.ok, rule.expected);
  return out;
}

/** Read one step entry. Returns undefined when the entry is not a mapping at all (already reported). */
export function readStepEntry(c: IssueCollector, raw: unknown, path: Path, label: string): StepFields | undefined {
  if (!isPlainObject(raw)) {
    c.wrongType('a mapping with at least a name', raw, path, label);
    return undefined;
  }
  const nameValue = raw['name'];
  const step = typeof nameValue === 'string' && nameValue.trim() !== '' ? nameValue : undefined;
  c.unknownKeys(raw, STEP_KEYS, path, step !== undefined ? undefined : label, step);
  const r = new FieldReader(c, raw, path, step);
  const fields: StepFields = { path, namePath: [...path, 'name'] };
  if (!r.has('name')) {
    c.add('missing_key', `${label} has no 'name' (every step needs one)`, { path, key: 'name' });
  } else if (r.string('name') !== undefined) {
    fields.name = step;
  }
  const description = r.string('description');
  if (description !== undefined) fields.description = description;
  const dependentSystem = r.string('dependent_system');
  if (dependentSystem !== undefined) fields.dependent_system = dependentSystem;
  const handlerClass = r.string('handler_class');
  if (handlerClass !== undefined) fields.handler_class = handlerClass;
  const handlerConfig = r.object('handler_config');
  if (handlerConfig !== undefined) fields.handler_config = handlerConfig;
  for (const key of ['depends_on_step', 'depends_on_steps'] as const) {
    const list = r.stringList(key, key === 'depends_on_step');
    if (list !== undefined) fields[key] = list.map((d) => ({ name: d.value, key, path: d.path }));
  }
  const retryable = r.boolean('default_retryable');
  if (retryable !== undefined) fields.default_retryable = retryable;
  const retryLimit = r.integer('default_retry_limit', 0);
  if (retryLimit !== undefined) fields.default_retry_limit = retryLimit;
  const skippable = r.boolean('skippable');
  if (skippable !== undefined) fields.skippable = skippable;
  const timeout = r.milliseconds('timeout');
  if (timeout !== undefined) fields.timeout = timeout;
  const retry = r.object('retry');
  if (retry !== undefined) fields.retry = readRetry(c, retry, [...path, 'retry'], step);
  const concurrency = r.object('concurrency');
  if (concurrency !== undefined) {
    const spec = readConcurrency(c, concurrency, [...path, 'concurrency'], false, step);
    if (spec !== undefined) fields.concurrency = spec;
  }
  if (r.has('rate_limit') && raw['rate_limit'] !== null) {
    const use = readRateLimitUse(c, raw['rate_limit'], [...path, 'rate_limit'], step ?? '?');
    if (use !== undefined) fields.rate_limit = use;
  }
  if (r.has('wait_for')) {
    const wait = readWaitFor(c, raw['wait_for'], [...path, 'wait_for'], step ?? '?');
    if (wait !== undefined) fields.wait_for = wait;
  }
  if (r.has('subtask')) {
    const sub = readSubtask(c, raw['subtask'], [...path, 'subtask'], step ?? '?');
    if (sub !== undefined) fields.subtask = sub;
  }
  if (r.has('map')) {
    const map = readMap(c, raw['map'], [...path, 'map'], step ?? '?');
    if (map !== undefined) fields.map = map;
  }
  return fields;
}

/** Apply an environment override to its base step: named keys replace, `handler_config` and `retry` merge. */
export function mergeStepFields(base: StepFields, override: StepFields): StepFields {
  const merged: StepFields = { ...base };
  for (const [key, value] of Object.entries(override) as Array<[keyof StepFields, unknown]>) {
    if (key === 'path' || key === 'namePath' || key === 'name' || value === undefined) continue;
    if (key === 'handler_config') merged.handler_config = { ...base.handler_config, ...override.handler_config };
    else if (key === 'retry') merged.retry = { ...base.retry, ...override.retry };
    else (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** Both dependency keys, in declaration order, first occurrence wins. */
export function dependencyRefs(fields: StepFields): DependencyRef[] {
  const seen = new Set<string>();
  const out: DependencyRef[] = [];
  for (const ref of [...(fields.depends_on_step ?? []), ...(fields.depends_on_steps ?? [])]) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    out.push(ref);
  }
  return out;
}

/** The normalised step: defaults filled in, optional keys omitted (never set to undefined). */
export function toStepTemplate(fields: StepFields & { name: string }): StepTemplate {
  const step: StepTemplate = {
    name: fields.name,
    handler_config: { ...fields.handler_config },
    depends_on: dependencyRefs(fields).map((d) => d.name),
    default_retryable: fields.default_retryable ?? true,
    default_retry_limit: fields.default_retry_limit ?? DEFAULT_RETRY_LIMIT,
    skippable: fields.skippable ?? false,
  };
  if (fields.description !== undefined) step.description = fields.description;
  if (fields.dependent_system !== undefined) step.dependent_system = fields.dependent_system;
  if (fields.handler_class !== undefined) step.handler_class = fields.handler_class;
  if (fields.timeout !== undefined) step.timeout = fields.timeout;
  if (fields.retry !== undefined) step.retry = { ...DEFAULT_RETRY_POLICY, ...fields.retry };
  if (fields.concurrency !== undefined) step.concurrency = { ...fields.concurrency };
  if (fields.rate_limit !== undefined) step.rate_limit = { ...fields.rate_limit };
  if (fields.wait_for !== undefined) step.wait_for = { ...fields.wait_for };
  if (fields.subtask !== undefined) {
    step.subtask = { ...fields.subtask };
    if (fields.subtask.context_from !== undefined) step.subtask.context_from = { ...fields.subtask.context_from };
  }
  if (fields.map !== undefined) step.map = { ...fields.map };
  return step;
}

/** Checks that need the merged retry policy (max below base). */
export function checkRetryPolicy(c: IssueCollector, step: StepTemplate, path: Path): void {
  if (step.retry !== undefined && step.retry.max < step.retry.base) {
    c.add('invalid_value', `retry.max (${step.retry.max} ms) is below retry.base (${step.retry.base} ms)`, {
      path: [...path, 'retry'],
      step: step.name,
      key: 'retry',
    });
  }
}
