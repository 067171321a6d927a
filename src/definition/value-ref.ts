// Value references in templates: where a dynamic step reads a value known only at run time — a map's list
// (`map.over`), a sub-workflow's context fields (`subtask.context_from`), a timer's time (`wait_for.until`). A
// reference is `context`, `context.<path>`, `<step>.results` or `<step>.results.<path>`; path segments are object
// keys or array indexes (`items.0.sku`). Parsed at load (so a bad one is a validation error in place) and resolved by
// the engine against the task's context and its upstream steps' results.

export type ValueRef =
  { from: 'context'; path: string[]; text: string } | { from: 'step'; step: string; path: string[]; text: string };

const EXPECTED = "'context.<path>' or '<step>.results.<path>' (e.g. context.items, load_order.results.line_items)";

/** Parse a reference, or say why it is none. */
export function parseValueRef(text: string): ValueRef | { error: string } {
  const parts = text.trim().split('.');
  if (parts.some((p) => p === '')) return { error: `'${text}' is not a value reference: expected ${EXPECTED}` };
  if (parts[0] === 'context') return { from: 'context', path: parts.slice(1), text };
  const at = parts.indexOf('results', 1);
  if (at < 1) return { error: `'${text}' is not a value reference: expected ${EXPECTED}` };
  return { from: 'step', step: parts.slice(0, at).join('.'), path: parts.slice(at + 1), text };
}

/** Follow `path` into `value`; undefined when a segment is missing. */
export function followPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const seg of path) {
    if (Array.isArray(v)) {
      if (!/^\d+$/.test(seg)) return undefined;
      v = v[Number(seg)];
    } else if (v !== null && typeof v === 'object') {
      v = Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<string, unknown>)[seg] : undefined;
    } else return undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/** The value a reference names, given the task's context and a reader of upstream results (undefined: missing). */
export function resolveValueRef(ref: ValueRef, context: unknown, resultsOf: (step: string) => unknown): unknown {
  return followPath(ref.from === 'context' ? context : resultsOf(ref.step), ref.path);
}
