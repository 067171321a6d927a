// Which values JSON cannot hold as they are. JSON.stringify changes some values without a word — NaN and ±Infinity
// become null, functions and symbols vanish from objects and become null in arrays (so do undefined and holes in
// arrays), a Map, Set, RegExp or Error becomes {}, an invalid Date becomes null — and throws on others (BigInt,
// cycles); unpaired UTF-16 surrogates are not Unicode, so text columns store U+FFFD instead and jsonb refuses them.
// `jsonProblems` finds all of these, each with the path of the value, so callers can refuse the value and say where:
// request fields (`context.items.2.price`), handler results (`results.items[2].price`). Optionally integers beyond
// ±(2^53−1) are refused too (a request's numbers, where such a value has usually lost digits already). An object
// property set to undefined is left out, as JSON.stringify does, and reads back the same.
//
// It runs on every submitted context and every step's results, so it allocates nothing for a scalar, builds a path
// only when it reports a problem, and creates no closures per call.

export interface JsonProblem {
  /** Where the value is: the root name, then keys and indexes (`a.b.0` or `a.b[0]`, see `pathStyle`). */
  path: string;
  message: string;
}

export interface JsonProblemOptions {
  /** Refuse numbers beyond ±(2^53−1) (Number.MAX_SAFE_INTEGER). Default false. */
  safeIntegers?: boolean;
  /** Stop after this many problems. Default 20. */
  max?: number;
  /** `dots` (default): `root.key.0` — request field names; `js`: `root.key[0]["two words"]` — for messages. */
  pathStyle?: 'dots' | 'js';
  /**
   * Called for every value before the built-in rules: a message makes it a problem (its content is not visited),
   * null lets the rules run. `path()` builds the value's path. May throw to abandon the walk.
   */
  inspect?: (value: unknown, path: () => string) => string | null;
}

export const UNSAFE_INTEGER_MESSAGE = `is beyond ±(2^53−1) (${Number.MAX_SAFE_INTEGER}), where numbers lose digits; send it as a string`;
const SURROGATE_MESSAGE = 'contains a lone surrogate (an unpaired half of a UTF-16 pair), which is not valid Unicode';

type WellFormed = string & { isWellFormed(): boolean };

/** False when `text` holds an unpaired UTF-16 surrogate (Node 20 has String.prototype.isWellFormed). */
export function isWellFormedText(text: string): boolean {
  return (text as WellFormed).isWellFormed();
}

/** Built-in objects JSON turns into something else (usually `{}`), losing their content. */
const LOSSY: ReadonlyArray<[string, (v: object) => boolean]> = [
  ['a Map', (v) => v instanceof Map],
  ['a Set', (v) => v instanceof Set],
  ['a WeakMap', (v) => v instanceof WeakMap],
  ['a WeakSet', (v) => v instanceof WeakSet],
  ['a RegExp', (v) => v instanceof RegExp],
  ['an Error', (v) => v instanceof Error],
  ['a Promise (did a handler forget an await?)', (v) => v instanceof Promise],
  ['binary data (an ArrayBuffer or typed array)', (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v)],
];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function scalarProblem(value: unknown, safeIntegers: boolean, inArray: boolean): string | null {
  switch (typeof value) {
    case 'string':
      return isWellFormedText(value) ? null : SURROGATE_MESSAGE;
    case 'number':
      if (Number.isNaN(value)) return 'is NaN, which JSON cannot hold (it would become null)';
      if (!Number.isFinite(value)) return `is ${value}, which JSON cannot hold (it would become null)`;
      if (safeIntegers && Math.abs(value) > Number.MAX_SAFE_INTEGER) return UNSAFE_INTEGER_MESSAGE;
      return null;
    case 'bigint':
      return 'is a bigint, which JSON cannot hold; convert it to a string';
    case 'function':
    case 'symbol':
      return `is a ${typeof value}, which JSON cannot hold (it would be ${inArray ? 'null' : 'left out'})`;
    case 'undefined':
      return inArray ? 'is undefined in an array, which JSON cannot hold (it would become null)' : null;
    default:
      return null;
  }
}

/** The state of one walk: the path is a stack of keys, turned into text only when a problem is reported. */
interface Walk {
  readonly root: string;
  readonly keys: Array<string | number>;
  readonly problems: JsonProblem[];
  readonly max: number;
  readonly safeIntegers: boolean;
  readonly js: boolean;
  readonly inspect: JsonProblemOptions['inspect'] | undefined;
  /** Objects on the current path (cycle detection); created for the first object met. */
  ancestors: Set<object> | null;
}

function pathOf(w: Walk): string {
  let out = w.root;
  for (const k of w.keys) {
    if (!w.js) out += `.${k}`;
    else if (typeof k === 'number') out += `[${k}]`;
    else out += IDENTIFIER.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  }
  return out;
}

function add(w: Walk, message: string): void {
  if (w.problems.length < w.max) w.problems.push({ path: pathOf(w), message });
}

function visit(w: Walk, v: unknown, key: string, inArray: boolean): void {
  if (w.problems.length >= w.max) return;
  if (w.inspect) {
    const custom = w.inspect(v, () => pathOf(w));
    if (custom) return add(w, custom);
  }
  if (v === null || typeof v !== 'object') {
    const message = scalarProblem(v, w.safeIntegers, inArray);
    if (message) add(w, message);
    return;
  }
  if (v instanceof Date && Number.isNaN(v.getTime())) return add(w, 'is an invalid Date (it would become null)');
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return visit(w, toJSON.call(v, key), key, inArray);
  for (const [label, test] of LOSSY) {
    if (test(v))
      return add(w, `is ${label}, which JSON cannot hold (it would not read back the same); convert it to plain data`);
  }
  const ancestors = (w.ancestors ??= new Set());
  if (ancestors.has(v)) return add(w, 'is a circular reference (it contains itself), which JSON cannot hold');
  ancestors.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      w.keys.push(i);
      if (!(i in v)) add(w, 'is a hole in an array, which JSON cannot hold (it would become null)');
      else visit(w, v[i], String(i), true);
      w.keys.pop();
    }
  } else {
    for (const k of Object.keys(v)) {
      w.keys.push(k);
      if (!isWellFormedText(k)) add(w, `has a key that ${SURROGATE_MESSAGE}`);
      visit(w, (v as Record<string, unknown>)[k], k, false);
      w.keys.pop();
    }
  }
  ancestors.delete(v);
}

/** Every problem (up to `max`) that storing `value` as JSON would hide; empty when it is stored exactly. */
export function jsonProblems(value: unknown, root: string, options: JsonProblemOptions = {}): JsonProblem[] {
  const safeIntegers = options.safeIntegers ?? false;
  if (options.inspect === undefined && (value === null || typeof value !== 'object')) {
    const message = scalarProblem(value, safeIntegers, false);
    return message ? [{ path: root, message }] : [];
  }
  const w: Walk = {
    root,
    keys: [],
    problems: [],
    max: options.max ?? 20,
    safeIntegers,
    js: options.pathStyle === 'js',
    inspect: options.inspect,
    ancestors: null,
  };
  try {
    visit(w, value, '', false);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    w.keys.length = 0;
    add(w, 'is nested too deeply to be stored as JSON');
  }
  return w.problems;
}
