// Which values JSON cannot hold as they are. JSON.stringify changes some values without a word — NaN and ±Infinity
// become null, functions and symbols vanish from objects and become null in arrays (so do undefined and holes in
// arrays), a Map or Set becomes {}, an invalid Date becomes null — and throws on others (BigInt, cycles); unpaired
// UTF-16 surrogates are not Unicode, so text columns store U+FFFD instead and jsonb refuses them. `jsonProblems`
// finds all of these, each with the path of the value (`context.items.2.price`), so callers can refuse the value
// and say where. Optionally integers beyond ±(2^53−1) are refused too (a request's numbers, where such a value has
// usually lost digits already). An object property set to undefined is left out, as JSON.stringify does.

export interface JsonProblem {
  /** Where the value is: the root name, then keys and array indexes joined by dots. */
  path: string;
  message: string;
}

export interface JsonProblemOptions {
  /** Refuse numbers beyond ±(2^53−1) (Number.MAX_SAFE_INTEGER). Default false. */
  safeIntegers?: boolean;
  /** Stop after this many problems. Default 20. */
  max?: number;
  /**
   * Called for every value before the built-in rules: a message makes it a problem (its content is not visited),
   * null lets the rules run. May throw to abandon the walk.
   */
  inspect?: (value: unknown, path: string) => string | null;
}

export const UNSAFE_INTEGER_MESSAGE =
  `is beyond ±(2^53−1) (${Number.MAX_SAFE_INTEGER}), where numbers lose digits; send it as a string`;
const SURROGATE_MESSAGE = 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';

type WellFormed = string & { isWellFormed(): boolean };

/** False when `text` holds an unpaired UTF-16 surrogate (Node 20 has String.prototype.isWellFormed). */
export function isWellFormedText(text: string): boolean {
  return (text as WellFormed).isWellFormed();
}

function describeScalar(value: unknown, safeIntegers: boolean, inArray: boolean): string | null {
  switch (typeof value) {
    case 'string':
      return isWellFormedText(value) ? null : SURROGATE_MESSAGE;
    case 'number':
      if (Number.isNaN(value)) return 'is NaN, which JSON cannot hold (it would become null)';
      if (!Number.isFinite(value)) return `is ${value}, which JSON cannot hold (it would become null)`;
      if (safeIntegers && Math.abs(value) > Number.MAX_SAFE_INTEGER) return UNSAFE_INTEGER_MESSAGE;
      return null;
    case 'bigint':
      return 'is a BigInt, which JSON cannot hold; send it as a string';
    case 'function':
    case 'symbol':
      return `is a ${typeof value}, which JSON cannot hold (it would be ${inArray ? 'null' : 'left out'})`;
    case 'undefined':
      return inArray ? 'is undefined in an array, which JSON cannot hold (it would become null)' : null;
    default:
      return null;
  }
}

const COLLECTIONS: Array<[new (...args: never[]) => object, string]> = [
  [Map, 'a Map'],
  [Set, 'a Set'],
  [WeakMap, 'a WeakMap'],
  [WeakSet, 'a WeakSet'],
];

/** Every problem (up to `max`) that storing `value` as JSON would hide; empty when it is stored exactly. */
export function jsonProblems(value: unknown, root: string, options: JsonProblemOptions = {}): JsonProblem[] {
  const problems: JsonProblem[] = [];
  const max = options.max ?? 20;
  const safeIntegers = options.safeIntegers ?? false;
  const ancestors = new Set<object>();
  const add = (path: string, message: string): void => {
    if (problems.length < max) problems.push({ path, message });
  };

  const visit = (v: unknown, path: string, key: string, inArray: boolean): void => {
    if (problems.length >= max) return;
    const custom = options.inspect?.(v, path);
    if (custom) return add(path, custom);
    if (v === null || typeof v !== 'object') {
      const message = describeScalar(v, safeIntegers, inArray);
      if (message) add(path, message);
      return;
    }
    if (v instanceof Date && Number.isNaN(v.getTime())) return add(path, 'is an invalid Date (it would become null)');
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return visit(toJSON.call(v, key), path, key, inArray);
    for (const [cls, label] of COLLECTIONS) {
      if (v instanceof cls) return add(path, `is ${label}, which JSON cannot hold (it would become {}); convert it to an object or array`);
    }
    if (ancestors.has(v)) return add(path, 'refers back to a value that contains it (a cycle), which JSON cannot hold');
    ancestors.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) add(`${path}.${i}`, 'is a hole in an array, which JSON cannot hold (it would become null)');
        else visit(v[i], `${path}.${i}`, String(i), true);
      }
    } else {
      for (const k of Object.keys(v)) {
        const at = `${path}.${k}`;
        if (!isWellFormedText(k)) add(at, `the key ${SURROGATE_MESSAGE}`);
        visit((v as Record<string, unknown>)[k], at, k, false);
      }
    }
    ancestors.delete(v);
  };

  try {
    visit(value, root, '', false);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    add(root, 'is nested too deeply to be stored as JSON');
  }
  return problems;
}
