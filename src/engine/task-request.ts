// The task request (what a caller submits) and its field-level validation. Errors list every bad field, including
// values that could not be stored as given: unpaired surrogates in any text, and in the context whatever JSON would
// change (NaN, Infinity, functions, undefined in arrays, integers beyond ±(2^53−1), ...; see json-fidelity.ts).
import { DEFAULT_NAMESPACE } from '../definition/model.js';
import { isWellFormedText, jsonProblems } from '../core/json-fidelity.js';
import { InvalidRequestError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { parseRfc3339 } from '../core/rfc3339.js';
import { MAX_PRIORITY, MIN_PRIORITY } from '../core/store-flow.js';

export interface TaskRequest {
  name: string;
  /** Defaults to `default`. */
  namespace?: string;
  /** Exact version; the latest by semver when absent. */
  version?: string | null;
  context?: unknown;
  initiator?: string | null;
  source_system?: string | null;
  reason?: string | null;
  tags?: string[];
  /** Names of steps to mark skipped before anything runs; their dependents still run. */
  bypass_steps?: string[];
  /** A repeated key returns the existing task and creates nothing. */
  idempotency_key?: string | null;
  /**
   * Start no step before this time: an RFC 3339 time with its offset (`2026-05-01T09:00:00Z`), a Date, or epoch
   * milliseconds. At most MAX_START_AHEAD_MS ahead; a time already past (up to MAX_START_BEHIND_MS) starts at once.
   * The task waits `pending` with `waiting_for: 'delay'`. Not with `delay`.
   */
  run_at?: string | Date | number | null;
  /** Start no step before this long after submission: `90s`, `5m`, `2h`, `1d`, `1h30m`, or milliseconds. Not with run_at. */
  delay?: string | number | null;
  /** Claim priority of the task's steps, -1000..1000, higher first; overrides the template's `priority`. */
  priority?: number | null;
}

/** How far ahead a delayed start may lie: 365 days. */
export const MAX_START_AHEAD_MS = 365 * 86_400_000;
/** How far in the past a run_at may lie (it then starts at once); older is refused as a likely mistake: 1 day. */
export const MAX_START_BEHIND_MS = 86_400_000;

export interface FieldError {
  field: string;
  message: string;
}

const KNOWN = new Set([
  'name',
  'namespace',
  'version',
  'context',
  'initiator',
  'source_system',
  'reason',
  'tags',
  'bypass_steps',
  'idempotency_key',
  'run_at',
  'delay',
  'priority',
]);

// PostgreSQL text columns cannot hold NUL; reject it up front on every store so behaviour does not depend on the store.
const NUL_MESSAGE = (field: string) => `'${field}' must not contain the NUL character (\\u0000)`;
// Text columns would store U+FFFD instead, so two different keys or tags could become equal.
const SURROGATE_MESSAGE = (field: string) =>
  `'${field}' contains an unpaired UTF-16 surrogate, which is not valid Unicode`;

/** Checks shapes (not template-dependent rules) and returns a normalised copy; throws InvalidRequestError. */
export type NormalisedTaskRequest = Required<Omit<TaskRequest, 'version' | 'run_at' | 'delay' | 'priority'>> & {
  version: string | null;
  /** Epoch ms of the requested start, or null. */
  run_at: number | null;
  /** Milliseconds to wait after submission, or null. */
  delay_ms: number | null;
  /** The request's priority, or null for the template's. */
  priority: number | null;
};

/** `run_at` as epoch ms, or an error message saying what is wrong with it. */
function readRunAt(value: unknown, now: number): number | string {
  let ms: number | null;
  if (value instanceof Date) ms = Number.isNaN(value.getTime()) ? null : value.getTime();
  else if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : null;
  else if (typeof value === 'string') ms = parseRfc3339(value.trim());
  else return `'run_at' must be an RFC 3339 time such as 2026-05-01T09:00:00Z, got ${typeof value}`;
  if (ms === null) {
    return `'run_at' must be an RFC 3339 time with its offset, such as 2026-05-01T09:00:00Z, got ${JSON.stringify(String(value))}`;
  }
  if (ms > now + MAX_START_AHEAD_MS) return `'run_at' is more than 365 days ahead (${new Date(ms).toISOString()})`;
  if (ms < now - MAX_START_BEHIND_MS) {
    return `'run_at' is more than a day in the past (${new Date(ms).toISOString()}); leave it out to start at once`;
  }
  return ms;
}

/** `delay` as milliseconds, or an error message. */
function readDelay(value: unknown): number | string {
  const d = parseDuration(value);
  if ('error' in d) return `'delay' ${d.error}`;
  if (d.ms > MAX_START_AHEAD_MS) return `'delay' is more than 365 days (${d.ms} ms)`;
  return d.ms;
}

export function normaliseTaskRequest(input: unknown, now = Date.now()): NormalisedTaskRequest {
  const errors: FieldError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidRequestError('a task request must be an object', [{ field: '', message: 'expected an object' }]);
  }
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!KNOWN.has(key)) errors.push({ field: key, message: `unknown field '${key}'` });
  }
  const str = (field: string, required = false): string | null => {
    const v = r[field];
    if (v === undefined || v === null) {
      if (required) errors.push({ field, message: `'${field}' is required` });
      return null;
    }
    if (typeof v !== 'string' || (required && v.trim() === '')) {
      errors.push({ field, message: `'${field}' must be a non-empty string` });
      return null;
    }
    if (v.includes('\u0000')) errors.push({ field, message: NUL_MESSAGE(field) });
    if (!isWellFormedText(v)) errors.push({ field, message: SURROGATE_MESSAGE(field) });
    return v;
  };
  const strList = (field: string): string[] => {
    const v = r[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      errors.push({ field, message: `'${field}' must be an array of strings` });
      return [];
    }
    if (v.some((x: string) => x.includes('\u0000'))) errors.push({ field, message: NUL_MESSAGE(field) });
    (v as string[]).forEach((x, i) => {
      if (!isWellFormedText(x)) errors.push({ field: `${field}.${i}`, message: SURROGATE_MESSAGE(`${field}.${i}`) });
    });
    return v as string[];
  };
  const name = str('name', true) ?? '';
  const namespace = str('namespace') ?? DEFAULT_NAMESPACE;
  const version = str('version');
  const context = r.context === undefined || r.context === null ? {} : r.context;
  if (typeof context !== 'object' || Array.isArray(context)) {
    errors.push({ field: 'context', message: "'context' must be a JSON object" });
  } else {
    for (const p of jsonProblems(context, 'context', { safeIntegers: true }))
      errors.push({ field: p.path, message: `'${p.path}' ${p.message}` });
  }
  const has = (field: string) => r[field] !== undefined && r[field] !== null;
  let runAt: number | null = null;
  let delayMs: number | null = null;
  if (has('run_at') && has('delay')) {
    errors.push({ field: 'delay', message: "give 'run_at' or 'delay', not both" });
  } else if (has('run_at')) {
    const v = readRunAt(r.run_at, now);
    if (typeof v === 'string') errors.push({ field: 'run_at', message: v });
    else runAt = v;
  } else if (has('delay')) {
    const v = readDelay(r.delay);
    if (typeof v === 'string') errors.push({ field: 'delay', message: v });
    else delayMs = v;
  }
  let priority: number | null = null;
  if (has('priority')) {
    const p = r.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < MIN_PRIORITY || p > MAX_PRIORITY) {
      errors.push({
        field: 'priority',
        message: `'priority' must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}, got ${JSON.stringify(p)}`,
      });
    } else priority = p;
  }
  const out = {
    name,
    namespace,
    version,
    context,
    initiator: str('initiator'),
    source_system: str('source_system'),
    reason: str('reason'),
    tags: strList('tags'),
    bypass_steps: strList('bypass_steps'),
    idempotency_key: str('idempotency_key'),
    run_at: runAt,
    delay_ms: delayMs,
    priority,
  };
  if (out.idempotency_key !== null && out.idempotency_key.length > 255) {
    errors.push({ field: 'idempotency_key', message: "'idempotency_key' must be at most 255 characters" });
  }
  if (errors.length) {
    throw new InvalidRequestError(`invalid task request: ${errors.map((e) => e.message).join('; ')}`, errors);
  }
  return out;
}
