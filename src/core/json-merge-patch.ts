// JSON Merge Patch (RFC 7386): how a rerun's `context_patch` edits a task context. An object patch merges key by key
// (recursively), a null value removes its key, anything else replaces the target. The engine applies it to validate
// the result against the template's schema; the store applies it again to the context it holds, in the rerun's
// transaction, so both see the same rule.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The target with `patch` applied (inputs are not changed). */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    // defineProperty, not assignment: a key named "__proto__" is data here, never the object's prototype
    else
      Object.defineProperty(out, key, {
        value: applyMergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}
