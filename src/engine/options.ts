// The resolver of `Tasker.open`'s options (their types: option-types.ts): the range each number must fall in, and
// `resolveTaskerOptions`, the one resolver. It takes each value from the option, else the environment (read once,
// here), else the table of defaults (src/core/defaults.ts), and checks everything before anything is opened: a bad
// value is a TaskerError `invalid_option` naming the option — or the environment variable — and the value. The CLI
// parses its flags with the same ranges and shows the same defaults in its help.
import { TaskerError } from '../core/errors.js';
import { LOG_FORMATS, LOG_LEVELS, TASKER_DEFAULTS, type LogFormat, type LogLevel } from '../core/defaults.js';
import { readEnvironment, type EnvironmentSource, type TaskerVariable } from '../core/environment.js';
import { MAX_MAP_INSTANCES, MAX_PRUNE_BATCH, RETENTION_CLASS_NAMES, type Store } from '../core/store-contract.js';
import { didYouMean } from '../definition/did-you-mean.js';
import { MAX_TIMEOUT_MS, RETRY_POLICY_RULES, type RetryPolicy } from '../definition/model.js';
import type { Logger } from '../telemetry/logger.js';
import type { ResolvedTaskerOptions, TaskerOptions } from './option-types.js';
import { AGE_EXPECTED, readAge } from './retention.js';
import type { RetentionPolicy } from './retention-keeper.js';

/** Every option name; typed over TaskerOptions, so an option added there does not compile until it is listed. */
const OPTION_NAMES: Record<keyof TaskerOptions, true> = {
  db: true,
  schema: true,
  poolSize: true,
  warmConnections: true,
  templates: true,
  handlers: true,
  subscribers: true,
  concurrency: true,
  prefetch: true,
  leaseMs: true,
  pollIntervalMs: true,
  namespaces: true,
  stepTimeoutMs: true,
  handlersTimeoutMs: true,
  maxMapItems: true,
  maxSubtaskDepth: true,
  retry: true,
  env: true,
  logLevel: true,
  logFormat: true,
  logger: true,
  workerId: true,
  drainTimeoutMs: true,
  start: true,
  schedules: true,
  migrate: true,
  retention: true,
  allowRedefine: true,
};

export interface OptionRange {
  min: number;
  max: number;
  /** Milliseconds (said so in messages) or a plain count. */
  ms: boolean;
}

/** The range of every whole-number option; the CLI checks its flags against the same. */
export const OPTION_RANGES = {
  concurrency: { min: 0, max: 10_000, ms: false },
  prefetch: { min: 0, max: 10_000, ms: false },
  leaseMs: { min: 100, max: 3_600_000, ms: true },
  pollIntervalMs: { min: 10, max: 3_600_000, ms: true },
  drainTimeoutMs: { min: 0, max: 3_600_000, ms: true },
  stepTimeoutMs: { min: 1, max: MAX_TIMEOUT_MS, ms: true },
  handlersTimeoutMs: { min: 1, max: MAX_TIMEOUT_MS, ms: true },
  maxMapItems: { min: 1, max: MAX_MAP_INSTANCES, ms: false },
  maxSubtaskDepth: { min: 1, max: 100, ms: false },
  poolSize: { min: 1, max: 1_000, ms: false },
  warmConnections: { min: 0, max: 1_000, ms: false },
} as const satisfies Record<string, OptionRange>;

type RangedOption = keyof typeof OPTION_RANGES;

/** The ranges of the retention policy's numbers. */
export const RETENTION_RANGES = {
  intervalMs: { min: 1_000, max: 604_800_000, ms: true },
  batchSize: { min: 1, max: MAX_PRUNE_BATCH, ms: false },
} as const satisfies Record<string, OptionRange>;

function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function invalid(subject: string, expected: string, value: unknown): TaskerError {
  return new TaskerError(`${subject} must be ${expected}; got ${shown(value)}`, 'invalid_option', {
    option: subject,
    value: typeof value === 'number' || typeof value === 'string' ? value : shown(value),
  });
}

/** `a positive integer of milliseconds, at most N` or `a whole number [of milliseconds] from A to B`. */
function describeRange(range: OptionRange): string {
  if (range.ms && range.min === 1) return `a positive integer of milliseconds, at most ${range.max}`;
  return `a whole number${range.ms ? ' of milliseconds' : ''} from ${range.min} to ${range.max}`;
}

function inRange(value: unknown, range: OptionRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** A ranged option: the option, else the value of its environment variable (already checked), else the default. */
function ranged(
  name: RangedOption,
  given: unknown,
  fromEnv?: number,
): { value: number; from: ResolvedTaskerOptions['stepTimeoutFrom'] } {
  const range = OPTION_RANGES[name];
  if (given !== undefined) {
    if (!inRange(given, range)) throw invalid(name, describeRange(range), given);
    return { value: given, from: 'option' };
  }
  if (fromEnv !== undefined) return { value: fromEnv, from: 'environment' };
  return { value: TASKER_DEFAULTS[name], from: 'default' };
}

/** A whole number from an environment variable, checked against the range of the option it stands in for. */
function rangedVariable(variable: TaskerVariable, value: string | undefined, range: OptionRange): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!inRange(n, range)) throw invalid(`environment variable ${variable}`, describeRange(range), value);
  return n;
}

const LEVELS: readonly string[] = LOG_LEVELS;
const ONE_OF_LEVELS = `one of ${LOG_LEVELS.join(', ')}`;

function logLevelVariable(value: string | undefined): LogLevel | undefined {
  if (value !== undefined && !LEVELS.includes(value))
    throw invalid('environment variable TASKER_LOG_LEVEL', ONE_OF_LEVELS, value);
  return value as LogLevel | undefined;
}

function logLevel(given: unknown, fromEnv: LogLevel | undefined): LogLevel {
  if (given === undefined) return fromEnv ?? TASKER_DEFAULTS.logLevel;
  if (typeof given !== 'string' || !LEVELS.includes(given)) throw invalid('logLevel', ONE_OF_LEVELS, given);
  return given as LogLevel;
}

const FORMATS: readonly string[] = LOG_FORMATS;
const ONE_OF_FORMATS = `one of ${LOG_FORMATS.join(', ')}`;

/** `logFormat`, else TASKER_LOG_FORMAT (checked whether or not the option overrides it), else `auto`. */
function logFormat(given: unknown, fromEnv: string | undefined): LogFormat {
  if (fromEnv !== undefined && !FORMATS.includes(fromEnv))
    throw invalid('environment variable TASKER_LOG_FORMAT', ONE_OF_FORMATS, fromEnv);
  if (given === undefined) return (fromEnv as LogFormat | undefined) ?? TASKER_DEFAULTS.logFormat;
  if (typeof given !== 'string' || !FORMATS.includes(given)) throw invalid('logFormat', ONE_OF_FORMATS, given);
  return given as LogFormat;
}

/** The global retry policy: the defaults with `given` over them, held to the rules a template's `retry` meets. */
function retryPolicy(given: unknown): RetryPolicy {
  if (given === undefined) return { ...TASKER_DEFAULTS.retry };
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw invalid('retry', 'an object with base, multiplier, max and jitter', given);
  const policy: RetryPolicy = { ...TASKER_DEFAULTS.retry };
  const fields = Object.keys(RETRY_POLICY_RULES);
  for (const [key, value] of Object.entries(given)) {
    if (!fields.includes(key))
      throw new TaskerError(`unknown option retry.${key}${didYouMean(key, fields)}`, 'invalid_option');
    if (value === undefined) continue;
    const { ok, expected } = RETRY_POLICY_RULES[key as keyof RetryPolicy];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value))
      throw invalid(`retry.${key}`, expected, value);
    policy[key as keyof RetryPolicy] = value;
  }
  if (policy.max < policy.base)
    throw new TaskerError(`retry.max (${policy.max} ms) is below retry.base (${policy.base} ms)`, 'invalid_option');
  return policy;
}

/** The retention policy: at least one class with an age; the interval and batch size in range. Null when not given. */
function retentionPolicy(given: unknown): RetentionPolicy | null {
  if (given === undefined || given === null) return null;
  if (typeof given !== 'object' || Array.isArray(given))
    throw invalid('retention', 'an object such as { completed: "30d", failed: "90d" }', given);
  const fields = [...RETENTION_CLASS_NAMES, ...Object.keys(RETENTION_RANGES)];
  const policy: RetentionPolicy = { ages: {}, ...TASKER_DEFAULTS.retention };
  for (const [key, value] of Object.entries(given)) {
    if (!fields.includes(key))
      throw new TaskerError(`unknown option retention.${key}${didYouMean(key, fields)}`, 'invalid_option');
    if (value === undefined) continue;
    if (key in RETENTION_RANGES) {
      const range = RETENTION_RANGES[key as keyof typeof RETENTION_RANGES];
      if (!inRange(value, range)) throw invalid(`retention.${key}`, describeRange(range), value);
      policy[key as keyof typeof RETENTION_RANGES] = value;
      continue;
    }
    const age = readAge(value);
    if (age === null) throw invalid(`retention.${key}`, AGE_EXPECTED, value);
    policy.ages[key as keyof RetentionPolicy['ages']] = age;
  }
  if (Object.keys(policy.ages).length === 0)
    throw invalid('retention', `an object naming at least one of ${RETENTION_CLASS_NAMES.join(', ')}`, given);
  return policy;
}

function optionalString(name: string, given: unknown): string | undefined {
  if (given === undefined) return undefined;
  if (typeof given !== 'string' || given.trim() === '') throw invalid(name, 'a non-empty string', given);
  return given;
}

function list<T>(name: string, given: unknown, expected: string, ok: (item: unknown) => boolean): T[] {
  if (given === undefined) return [];
  if (!Array.isArray(given) || !given.every(ok)) throw invalid(name, expected, given);
  return given as T[];
}

/**
 * Every option of `Tasker.open` resolved: the option when given, else its environment variable (read once, from
 * `env`), else the default of TASKER_DEFAULTS. Throws TaskerError `invalid_option` naming the first bad value.
 */
export function resolveTaskerOptions(
  options: TaskerOptions = {},
  env: EnvironmentSource = process.env,
): ResolvedTaskerOptions {
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(key in OPTION_NAMES))
      throw new TaskerError(`unknown option ${key}${didYouMean(key, Object.keys(OPTION_NAMES))}`, 'invalid_option');
  }
  // Every variable that is set is checked, whether or not an option overrides it.
  const vars = readEnvironment(env);
  const envStepTimeout = rangedVariable(
    'TASKER_STEP_TIMEOUT_MS',
    vars.TASKER_STEP_TIMEOUT_MS,
    OPTION_RANGES.stepTimeoutMs,
  );
  const envLogLevel = logLevelVariable(vars.TASKER_LOG_LEVEL);
  const format = logFormat(o.logFormat, vars.TASKER_LOG_FORMAT);
  const concurrency = ranged('concurrency', o.concurrency).value;
  const stepTimeout = ranged('stepTimeoutMs', o.stepTimeoutMs, envStepTimeout);
  const db = o.db;
  if (db !== undefined && typeof db !== 'string' && (typeof db !== 'object' || db === null))
    throw invalid('db', 'a store URL or an opened store', db);
  const url = typeof db === 'string' && db.trim() !== '' ? db.trim() : undefined;
  const namespaces = o.namespaces;
  if (namespaces !== undefined && namespaces !== null && !Array.isArray(namespaces))
    throw invalid('namespaces', 'a list of namespace names or null', namespaces);
  const handlers = o.handlers;
  if (handlers !== undefined && typeof handlers !== 'string' && (typeof handlers !== 'object' || handlers === null))
    throw invalid('handlers', 'a handlers module path or an object of handlers by name', handlers);
  if (o.start !== undefined && typeof o.start !== 'boolean') throw invalid('start', 'true or false', o.start);
  if (o.migrate !== undefined && typeof o.migrate !== 'boolean') throw invalid('migrate', 'true or false', o.migrate);
  if (o.schedules !== undefined && typeof o.schedules !== 'boolean')
    throw invalid('schedules', 'true or false', o.schedules);
  if (o.logger !== undefined && (typeof o.logger !== 'object' || o.logger === null))
    throw invalid('logger', 'a pino logger', o.logger);
  const given = o.env === undefined || o.env === '' ? undefined : optionalString('env', o.env);
  const store =
    typeof db === 'object' && db !== null ? (db as Store) : (url ?? vars.TASKER_DATABASE_URL ?? TASKER_DEFAULTS.db);
  return {
    db: store,
    schema: optionalString('schema', o.schema),
    ...pool(o.poolSize, o.warmConnections),
    templates: list('templates', o.templates, 'a list of template paths or defineTask templates', (t) => {
      return typeof t === 'string' || (typeof t === 'object' && t !== null);
    }),
    handlers: handlers as ResolvedTaskerOptions['handlers'],
    subscribers: list('subscribers', o.subscribers, 'a list of subscribers', () => true),
    concurrency,
    prefetch: ranged('prefetch', o.prefetch).value,
    leaseMs: ranged('leaseMs', o.leaseMs).value,
    pollIntervalMs: ranged('pollIntervalMs', o.pollIntervalMs).value,
    drainTimeoutMs: ranged('drainTimeoutMs', o.drainTimeoutMs).value,
    stepTimeoutMs: stepTimeout.value,
    stepTimeoutFrom: stepTimeout.from,
    handlersTimeoutMs: ranged('handlersTimeoutMs', o.handlersTimeoutMs).value,
    maxMapItems: ranged('maxMapItems', o.maxMapItems).value,
    maxSubtaskDepth: ranged('maxSubtaskDepth', o.maxSubtaskDepth).value,
    retry: retryPolicy(o.retry),
    env: given ?? vars.TASKER_ENV ?? vars.NODE_ENV,
    logLevel: logLevel(o.logLevel, envLogLevel),
    logFormat: format,
    logger: o.logger as Logger | undefined,
    namespaces:
      Array.isArray(namespaces) && namespaces.length > 0
        ? list<string>('namespaces', namespaces, 'a list of namespace names or null', nonEmpty)
        : null,
    workerId: optionalString('workerId', o.workerId),
    start: o.start === undefined ? concurrency > 0 : o.start,
    schedules: o.schedules ?? true,
    migrate: o.migrate ?? true,
    retention: retentionPolicy(o.retention),
    allowRedefine: allowRedefine(o.allowRedefine, store),
  };
}

/** `poolSize` and `warmConnections`: each in its range, and no more connections warmed than the pool holds. */
function pool(size: unknown, warm: unknown): { poolSize: number; warmConnections: number } {
  const poolSize = ranged('poolSize', size).value;
  if (warm === undefined) return { poolSize, warmConnections: Math.min(poolSize, TASKER_DEFAULTS.warmConnections) };
  const warmConnections = ranged('warmConnections', warm).value;
  if (warmConnections > poolSize) {
    throw invalid('warmConnections', `at most poolSize (${poolSize}), the connections there are to warm`, warm);
  }
  return { poolSize, warmConnections };
}

/** `allowRedefine`: a boolean, true only on the embedded SQLite store (PostgreSQL is shared by many processes). */
function allowRedefine(given: unknown, db: string | Store): boolean {
  if (given === undefined) return TASKER_DEFAULTS.allowRedefine;
  if (typeof given !== 'boolean') throw invalid('allowRedefine', 'true or false', given);
  const sqlite = typeof db === 'string' ? /^sqlite:/i.test(db) : db.kind === 'sqlite';
  if (given && !sqlite)
    throw new TaskerError(
      'allowRedefine is refused on PostgreSQL: many processes share the store, and tasks running in them would ' +
        'change definition under them; give the changed template a new version instead',
      'invalid_option',
      { option: 'allowRedefine', value: true },
    );
  return given;
}

function nonEmpty(item: unknown): boolean {
  return typeof item === 'string' && item.trim() !== '';
}
