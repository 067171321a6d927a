// The task request (what a caller submits) and its field-level validation. Errors list every bad field, including
// values that could not be stored as given: unpaired surrogates in any text, and in the context whatever JSON would
// change (NaN, Infinity, functions, undefined in arrays, integers beyond ±(2^53−1), ...; see json-fidelity.ts).
import { DEFAULT_NAMESPACE } from '../definition/model.js';
import { isWellFormedText, jsonProblems } from '../core/json-fidelity.js';
import { InvalidRequestError } from '../core/errors.js';

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
}

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
]);

// PostgreSQL text columns cannot hold NUL; reject it up front on every store so behaviour does not depend on the store.
const NUL_MESSAGE = (field: string) => `'${field}' must not contain the NUL character (\\u0000)`;
// Text columns would store U+FFFD instead, so two different keys or tags could become equal.
const SURROGATE_MESSAGE = (field: string) =>
  `'${field}' contains an unpaired UTF-16 surrogate, which is not valid Unicode`;

/** Checks shapes (not template-dependent rules) and returns a normalised copy; throws InvalidRequestError. */
export function normaliseTaskRequest(
  input: unknown,
): Required<Omit<TaskRequest, 'version'>> & { version: string | null } {
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
  };
  if (out.idempotency_key !== null && out.idempotency_key.length > 255) {
    errors.push({ field: 'idempotency_key', message: "'idempotency_key' must be at most 255 characters" });
  }
  if (errors.length) {
    throw new InvalidRequestError(`invalid task request: ${errors.map((e) => e.message).join('; ')}`, errors);
  }
  return out;
}
