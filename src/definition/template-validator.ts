// Turns raw template input (parsed YAML or a code-first object) into the normalised TaskTemplate, collecting every
// problem: unknown keys, missing keys, wrong types, bad semver, invalid JSON Schema, step graph errors.
import semver from 'semver';
import { applyEnvironment, readEnvironments, resolveEnvironment } from './environment-overrides.js';
import { FieldReader, IssueCollector, isPlainObject } from './issue-collector.js';
import { checkJsonSchema } from './json-schema.js';
import { DEFAULT_NAMESPACE, DEFAULT_VERSION, type StepTemplate, type TaskTemplate } from './model.js';
import { noLocator, type Locator, type Position } from './source-locator.js';
import { checkCycles, checkDependencies, checkDuplicateSteps, checkNamedSteps } from './step-graph-checks.js';
import { checkRetryPolicy, readStepEntry, toStepTemplate, type StepFields } from './step-fields.js';
import { readSchedules } from './schedule-fields.js';
import { TASK_KEYS } from './template-keys.js';
import { MAX_PRIORITY, MIN_PRIORITY } from '../core/store-flow.js';
import { readConcurrency } from './concurrency-fields.js';
import { readRateLimits } from './rate-limit-fields.js';
import { checkDynamicSteps } from './dynamic-step-checks.js';
import type { ValidationIssue } from './validation-issue.js';

export interface ValidateOptions {
  file?: string;
  /** Environment whose overrides are merged; defaults to TASKER_ENV, then NODE_ENV. */
  env?: string;
  locate?: Locator;
}

export interface ValidationResult {
  /** Present only when there are no issues. */
  template?: TaskTemplate;
  issues: ValidationIssue[];
  /** The environment whose overrides were merged, if any were. */
  environment?: string;
  /** Where each step's name sits, when the input has positions (YAML). */
  stepPositions?: Record<string, Position>;
}

/** A version string semver accepts as written (no leading `v` or `=`). */
export function isStrictSemver(version: string): boolean {
  return semver.valid(version) !== null && /^\d/.test(version);
}

function readVersion(c: IssueCollector, r: FieldReader, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return DEFAULT_VERSION;
  if (typeof raw !== 'string') {
    c.wrongType('a semantic version string like "1.0.0"', raw, ['version'], 'version');
    return undefined;
  }
  const v = r.string('version');
  if (v === undefined) return undefined;
  if (!isStrictSemver(v)) {
    c.add('bad_semver', `'${v}' is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.0.0)`, {
      path: ['version'],
      key: 'version',
    });
    return undefined;
  }
  return v;
}

function readSchema(c: IssueCollector, r: FieldReader): Record<string, unknown> | undefined {
  const schema = r.object('schema');
  if (schema === undefined) return undefined;
  const problems = checkJsonSchema(schema);
  for (const p of problems) {
    const at = p.path.length > 0 ? ` at ${p.path.join('.')}` : '';
    c.add('invalid_schema', `invalid JSON Schema${at}: ${p.message}`, { path: ['schema', ...p.path], key: 'schema' });
  }
  return problems.length === 0 ? schema : undefined;
}

/** An all-digit step reference is a workflow step id (API step routes, `tasker tasks`), so no step may be named so. */
const ALL_DIGITS = /^[0-9]+$/;

function readSteps(c: IssueCollector, raw: Record<string, unknown>): StepFields[] {
  const list = raw['step_templates'];
  if (list === undefined || list === null) {
    c.add('missing_key', "template has no 'step_templates' (a list of at least one step)", {
      path: [],
      key: 'step_templates',
    });
    return [];
  }
  if (!Array.isArray(list)) {
    c.wrongType('a list of steps', list, ['step_templates'], 'step_templates');
    return [];
  }
  if (list.length === 0) {
    c.add('invalid_value', 'step_templates is empty; a template needs at least one step', {
      path: ['step_templates'],
      key: 'step_templates',
    });
  }
  const steps: StepFields[] = [];
  list.forEach((entry: unknown, i) => {
    const fields = readStepEntry(c, entry, ['step_templates', i], `step_templates[${i}]`);
    if (fields?.name !== undefined && ALL_DIGITS.test(fields.name)) {
      c.add(
        'invalid_value',
        `step name '${fields.name}' is all digits; step routes and 'tasker tasks' commands read an all-digit step as a ` +
          'workflow step id, so give the step a name with a letter',
        { path: fields.namePath, step: fields.name, key: 'name' },
      );
    }
    if (fields !== undefined) steps.push(fields);
  });
  return steps;
}

/** Validate and normalise one template. All problems are collected; `template` is set only when there are none. */
export function validateTemplate(raw: unknown, opts: ValidateOptions = {}): ValidationResult {
  const c = new IssueCollector(opts.locate ?? noLocator, opts.file);
  if (!isPlainObject(raw)) {
    c.wrongType('a mapping of template keys (name, step_templates, ...)', raw, [], 'template');
    return { issues: c.issues };
  }
  c.unknownKeys(raw, TASK_KEYS, [], 'the task template');
  const r = new FieldReader(c, raw, []);
  const name = r.string('name');
  if (!r.has('name')) c.add('missing_key', "template has no 'name'", { path: [], key: 'name' });
  const namespace = r.has('namespace_name') ? r.string('namespace_name') : DEFAULT_NAMESPACE;
  for (const [key, value] of [
    ['name', name],
    ['namespace_name', namespace],
  ] as const) {
    if (value !== undefined && /[/@\s]/.test(value)) {
      c.add(
        'invalid_value',
        `'${value}' may not contain '/', '@' or spaces (templates are named namespace/name@version)`,
        { path: [key], key },
      );
    }
  }
  const version = readVersion(c, r, raw['version']);
  const optional: Partial<TaskTemplate> = {};
  for (const key of ['description', 'task_handler_class', 'module_namespace', 'default_dependent_system'] as const) {
    const v = r.string(key);
    if (v !== undefined) optional[key] = v;
  }
  const defaultStepTimeout = r.milliseconds('default_step_timeout');
  if (defaultStepTimeout !== undefined) optional.default_step_timeout = defaultStepTimeout;
  const priority = r.integerIn('priority', MIN_PRIORITY, MAX_PRIORITY);
  if (priority !== undefined) optional.priority = priority;
  const concurrency = r.object('concurrency');
  if (concurrency !== undefined) {
    const spec = readConcurrency(c, concurrency, ['concurrency'], true);
    if (spec !== undefined) optional.concurrency = spec;
  }
  const rateLimits = readRateLimits(c, raw);
  if (rateLimits !== undefined) optional.rate_limits = rateLimits;
  const named = r.stringList('named_steps', false);
  const schema = readSchema(c, r);
  const schedules = readSchedules(c, raw, schema);

  const steps = readSteps(c, raw);
  const environments = readEnvironments(c, raw['environments'], ['environments']);
  const environment = resolveEnvironment(opts.env);
  const applied = applyEnvironment(c, steps, environments, environment);

  checkDuplicateSteps(c, steps);
  checkDependencies(c, steps);
  checkCycles(c, steps);
  checkDynamicSteps(c, steps);
  if (named !== undefined) checkNamedSteps(c, steps, named);

  const normalised: StepTemplate[] = [];
  const positions: Record<string, Position> = {};
  const seen = new Set<string>();
  for (const s of steps) {
    if (s.name === undefined || seen.has(s.name)) continue;
    seen.add(s.name);
    const pos = opts.locate?.(s.namePath, 'value');
    if (pos !== undefined) positions[s.name] = pos;
    const step = toStepTemplate({ ...s, name: s.name });
    checkRetryPolicy(c, step, s.path);
    normalised.push(step);
  }

  c.issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
  const label = name !== undefined ? `${namespace ?? DEFAULT_NAMESPACE}/${name}` : undefined;
  if (label !== undefined) for (const issue of c.issues) issue.template ??= label;
  const result: ValidationResult = { issues: c.issues };
  if (applied && environment !== undefined) result.environment = environment;
  if (Object.keys(positions).length > 0) result.stepPositions = positions;
  if (c.issues.length > 0 || name === undefined || namespace === undefined || version === undefined) return result;

  const template: TaskTemplate = { name, namespace_name: namespace, version, ...optional, step_templates: normalised };
  if (named !== undefined) template.named_steps = named.map((n) => n.value);
  if (schema !== undefined) template.schema = schema;
  if (schedules !== undefined) template.schedules = schedules;
  result.template = template;
  return result;
}
