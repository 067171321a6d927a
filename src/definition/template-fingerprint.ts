// What makes two versions of one template "the same definition": the normalised model (TaskTemplate, environment
// overrides merged) as canonical JSON — keys sorted at every level, undefined left out — minus the task's and each
// step's `description` (prose, and YAML comments never reach the model). Generic over the whole model: a field added
// to it later counts without a change here. Its SHA-256 is the fingerprint the store keeps beside each definition;
// `firstDifference` names the first path at which two definitions differ, for the refusal message.
import { createHash } from 'node:crypto';
import type { TaskTemplate } from './model.js';

/** A JSON value in canonical form: objects with sorted keys, no undefined. */
type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

function canonical(value: unknown): Canonical {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null; // as JSON.stringify writes it
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return canonical(json.call(value));
    const out: { [key: string]: Canonical } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== 'function') out[key] = canonical(v);
    }
    return out;
  }
  return null;
}

/** The part of a template that defines what its tasks run: the whole model without descriptions, canonical. */
export function definitionBody(template: TaskTemplate | Record<string, unknown>): Canonical {
  const { description: _task, step_templates, ...rest } = template as Record<string, unknown>;
  const steps = Array.isArray(step_templates)
    ? step_templates.map((st) => {
        if (typeof st !== 'object' || st === null) return st as unknown;
        const { description: _step, ...stepRest } = st as Record<string, unknown>;
        return stepRest;
      })
    : step_templates;
  return canonical({ ...rest, step_templates: steps });
}

/** `sha256:` + the hex digest of the canonical JSON of `definitionBody`. */
export function templateFingerprint(template: TaskTemplate | Record<string, unknown>): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(definitionBody(template)))
    .digest('hex');
  return `sha256:${hash}`;
}

const pathOf = (base: string, key: string | number): string =>
  typeof key === 'number'
    ? `${base}[${key}]`
    : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
      ? base
        ? `${base}.${key}`
        : key
      : `${base}[${JSON.stringify(key)}]`;

function diff(a: Canonical | undefined, b: Canonical | undefined, path: string): string | null {
  if (a === undefined && b === undefined) return null;
  if (a === undefined) return `${path} added`;
  if (b === undefined) return `${path} removed`;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      const d = diff(a[i], b[i], pathOf(path, i));
      if (d !== null) return d;
    }
    return null;
  }
  const isObject = (v: Canonical): v is { [key: string]: Canonical } =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = diff(a[key], b[key], pathOf(path, key));
      if (d !== null) return d;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : `${path || 'definition'} changed`;
}

/**
 * The first place where `now` differs from `before` (descriptions ignored), e.g. `step_templates[2].handler_class
 * changed`, `step_templates[3] added`; null when they define the same thing.
 */
export function firstDifference(
  before: TaskTemplate | Record<string, unknown>,
  now: TaskTemplate | Record<string, unknown>,
): string | null {
  return diff(definitionBody(before), definitionBody(now), '');
}
