// Whether a step's results survive the store unchanged. Results are stored as JSON, which silently drops or changes
// some values (NaN and Infinity become null, functions vanish, undefined in an array becomes null, a Map becomes {})
// and refuses others (bigints, cycles; PostgreSQL also refuses lone surrogates). `unstorableAt` finds the first such
// value and names its path, e.g. `results.items[3].price is NaN`. Objects with toJSON (Dates) are judged by it.

/** Built-in objects JSON turns into something else (usually `{}`), losing their content. */
const LOSSY: ReadonlyArray<[string, (v: object) => boolean]> = [
  ['a Map', (v) => v instanceof Map],
  ['a Set', (v) => v instanceof Set],
  ['a WeakMap', (v) => v instanceof WeakMap],
  ['a WeakSet', (v) => v instanceof WeakSet],
  ['a RegExp', (v) => v instanceof RegExp],
  ['an Error', (v) => v instanceof Error],
  ['a Promise (did the handler forget an await?)', (v) => v instanceof Promise],
  ['binary data (an ArrayBuffer or typed array)', (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v)],
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function keyPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Why a leaf value cannot be stored as written, or null when it can. */
function leafProblem(value: unknown, inArray: boolean): string | null {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? null : `is ${String(value)}`;
    case 'string':
      return LONE_SURROGATE.test(value) ? 'contains a lone surrogate (half of a UTF-16 pair)' : null;
    case 'bigint':
      return 'is a bigint (convert it to a string or a number)';
    case 'function':
      return 'is a function';
    case 'symbol':
      return 'is a symbol';
    case 'undefined':
      // An undefined property is left out and reads back as undefined; in an array it would come back as null.
      return inArray ? 'is undefined (JSON would store null)' : null;
    default:
      return null;
  }
}

/**
 * The first value in `value` that JSON cannot store faithfully, as `<path> <problem>`, or null when all is well.
 * Shared references are fine (stored twice); only a value containing itself is a cycle.
 */
export function unstorableAt(value: unknown, root = 'results'): string | null {
  const open = new Set<object>();
  const visit = (v: unknown, path: string, key: string, inArray: boolean): string | null => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON(key: string): unknown }).toJSON(key);
    }
    if (v === null || typeof v !== 'object') {
      const problem = leafProblem(v, inArray);
      return problem === null ? null : `${path} ${problem}`;
    }
    if (open.has(v)) return `${path} is a circular reference (it contains itself)`;
    for (const [what, test] of LOSSY) if (test(v)) return `${path} is ${what}, which JSON cannot store`;
    open.add(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const found = visit(v[i], `${path}[${i}]`, String(i), true);
          if (found !== null) return found;
        }
        return null;
      }
      for (const k of Object.keys(v)) {
        if (LONE_SURROGATE.test(k)) return `${keyPath(path, k)} has a key that contains a lone surrogate (half of a UTF-16 pair)`;
        const found = visit((v as Record<string, unknown>)[k], keyPath(path, k), k, false);
        if (found !== null) return found;
      }
      return null;
    } finally {
      open.delete(v);
    }
  };
  return visit(value, root, '', false);
}
