// JSON values for jsonb columns. PostgreSQL's jsonb cannot hold the NUL character (\u0000) that SQLite's text
// columns accept: data values containing it are refused up front with a message naming the value; error reports,
// which are diagnostics, have it replaced by U+FFFD instead.
import { InvalidRequestError } from '../../core/errors.js';
import { encodeFaithfulJson, encodeJson } from '../shared/json.js';

/** An escaped NUL in JSON text: `\u0000` preceded by an even number of backslashes (they escape each other). */
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/;
const ESCAPED_NUL_ALL = new RegExp(ESCAPED_NUL.source, 'g');

/** JSON.stringify escapes only unpaired UTF-16 surrogates as \\udXXX; jsonb refuses them. */
const ESCAPED_LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/i;

/**
 * Encode a data value (context, results, annotation content); throws InvalidRequestError when it holds NUL or
 * anything JSON would change (encodeFaithfulJson), naming `root` and the path of the value.
 */
export function jsonbValue(value: unknown, what: string, root = 'value', checked = false): string | null {
  const json = encodeFaithfulJson(value, what, root, checked);
  if (json !== null && json.includes('\\u0000') && ESCAPED_NUL.test(json)) {
    throw new InvalidRequestError(
      `${what} contains the NUL character (\\u0000), which PostgreSQL cannot store in jsonb`,
    );
  }
  if (json !== null && json.includes('\\ud') && ESCAPED_LONE_SURROGATE.test(json)) {
    throw new InvalidRequestError(
      `${what} contains an unpaired UTF-16 surrogate (not valid Unicode), which PostgreSQL cannot store in jsonb`,
    );
  }
  return json;
}

/** Encode a diagnostic value (step errors); NUL characters become U+FFFD. */
export function jsonbDiagnostic(value: unknown, what: string): string | null {
  const json = encodeJson(value, what);
  if (json === null || !json.includes('\\u0000')) return json;
  return json.replace(ESCAPED_NUL_ALL, (_m, slashes: string) => `${slashes}\\ufffd`);
}
