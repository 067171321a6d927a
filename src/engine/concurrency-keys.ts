// Concurrency limits at submission (flow control): the slot group each new task and step belongs to, from the newest
// registered version of its template (its limit applies) and the values of the key's context fields. A context that
// lacks a key field is refused here, naming the field, before anything is created.
import { InvalidRequestError } from '../core/errors.js';
import type { StoreConcurrency } from '../core/store-contract.js';
import { keyPaths } from '../definition/concurrency-fields.js';
import type { ConcurrencySpec, TaskTemplate } from '../definition/model.js';

/**
 * The values of `key`'s fields (`context.a,context.b`) in `context`, as JSON text; InvalidRequestError naming a
 * missing field. `kind` says what the key is for (`concurrency key`, `rate limit key`), `what` whose it is.
 */
export function keyValues(key: string, context: unknown, what: string, kind = 'concurrency key'): string {
  const values = keyPaths(key).map((path) => {
    let v: unknown = context;
    for (const part of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    const field = `context.${path.join('.')}`;
    if (v === undefined || v === null) {
      throw new InvalidRequestError(
        `${field} is missing: the ${kind} of ${what} is '${key}', so every request must give it`,
        [{ field, message: `required by the ${kind} of ${what}` }],
      );
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new InvalidRequestError(`${field} must be a string, a number or a boolean: it is the ${kind} of ${what}`, [
        { field, message: `a ${kind} value must be a string, a number or a boolean` },
      ]);
    }
    return v;
  });
  return JSON.stringify(values);
}

/** A slot group: its key as the store keeps it, and the limit of the newest template version. */
function group(prefix: string, spec: ConcurrencySpec, context: unknown, what: string): StoreConcurrency {
  return { key: spec.key ? `${prefix}:${keyValues(spec.key, context, what)}` : prefix, limit: spec.limit };
}

/**
 * The task's slot group (or null) and each step's (by name), for a task of `template` created while `newest` is the
 * newest registered version of it.
 */
export interface ConcurrencyGroups {
  readonly task: StoreConcurrency | null;
  readonly steps: ReadonlyMap<string, StoreConcurrency>;
}

/** What a task of a template without any concurrency limit gets (shared: nothing to allocate per task). */
const NO_GROUPS: ConcurrencyGroups = { task: null, steps: new Map() };

const declaresLimits = (t: TaskTemplate): boolean =>
  t.concurrency !== undefined || t.step_templates.some((s) => s.concurrency !== undefined);

export function concurrencyGroups(template: TaskTemplate, newest: TaskTemplate, context: unknown): ConcurrencyGroups {
  // Most templates declare no limit: skip the key strings and the per-step lookups for them.
  if (!declaresLimits(newest) && !declaresLimits(template)) return NO_GROUPS;
  const base = `${template.namespace_name}/${template.name}`;
  const task = newest.concurrency ? group(`task:${base}`, newest.concurrency, context, base) : null;
  const steps = new Map<string, StoreConcurrency>();
  for (const st of template.step_templates) {
    const latest = newest.step_templates.find((s) => s.name === st.name);
    const spec = latest ? latest.concurrency : st.concurrency;
    if (spec) steps.set(st.name, group(`step:${base}/${st.name}`, spec, context, `step ${base}/${st.name}`));
  }
  return { task, steps };
}
