// The task list's search text `q` as both stores query it: the task id it names when it is all digits, and the
// range [from, to) of strings that start with it, in code point order (= UTF-8 byte order: SQLite's BINARY
// collation, PostgreSQL's text_pattern_ops operators), so an exact or prefix match on the correlation id and the
// idempotency key is an index range scan, even in a generic plan. `to` is `q` with its last code point incremented
// (skipping the surrogate block); null when no string is above every string starting with `q` (all U+10FFFF).
import { InvalidRequestError } from '../../core/errors.js';

export interface SearchRange {
  /** The task id `q` names (all digits, safe integer), else null. */
  id: number | null;
  from: string;
  to: string | null;
}

export const MAX_SEARCH_CHARS = 255;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The code point after `cp` that a string can hold, or null after U+10FFFF. */
function nextCodePoint(cp: number): number | null {
  if (cp === 0xd7ff) return 0xe000;
  return cp >= 0x10ffff ? null : cp + 1;
}

/** The smallest string above every string that starts with `prefix`, or null when there is none. */
export function prefixEnd(prefix: string): string | null {
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    const next = nextCodePoint(cps.pop()!);
    if (next !== null) return String.fromCodePoint(...cps, next);
  }
  return null;
}

export function searchRange(q: unknown): SearchRange {
  if (typeof q !== 'string' || q.length === 0 || q.length > MAX_SEARCH_CHARS) {
    throw new InvalidRequestError(`listTasks: q must be a string of 1 to ${MAX_SEARCH_CHARS} characters`);
  }
  if (q.includes('\u0000') || LONE_SURROGATE.test(q)) {
    throw new InvalidRequestError('listTasks: q must be text without NUL characters or lone surrogates');
  }
  const id = /^[0-9]{1,16}$/.test(q) && Number.isSafeInteger(Number(q)) && Number(q) > 0 ? Number(q) : null;
  return { id, from: q, to: prefixEnd(q) };
}
