// JSON columns: encoding values for storage with a clear error when a value cannot be stored (or not as it is), and
// decoding them back.
import { InvalidRequestError } from '../../core/errors.js';
import { jsonProblems } from '../../core/json-fidelity.js';

/**
 * Serialise a value for a JSON column. `undefined` becomes SQL NULL. Throws InvalidRequestError naming `what`
 * when the value is not JSON-serialisable (cycles, BigInt). For diagnostics (step errors); data goes through
 * encodeFaithfulJson.
 */
export function encodeJson(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (err) {
    throw new InvalidRequestError(`${what} is not JSON-serialisable: ${(err as Error).message}`);
  }
}

/**
 * Serialise a data value (context, results, annotation content) only if JSON holds it exactly (`checked`: the
 * caller has verified that already, so it is not walked twice): NaN, Infinity,
 * functions, undefined or holes in arrays, Maps, invalid Dates, unpaired surrogates, cycles and BigInts are refused
 * with InvalidRequestError naming `what` and the path of each bad value (details: `[{ field, message }]`).
 */
export function encodeFaithfulJson(value: unknown, what: string, root = 'value', checked = false): string | null {
  if (value === undefined) return null;
  if (checked) return encodeJson(value, what); // the caller walked it already (NewTask.checked, resultsChecked)
  const problems = jsonProblems(value, root);
  if (problems.length) {
    const list = problems.map((p) => `${p.path} ${p.message}`).join('; ');
    throw new InvalidRequestError(
      `${what} cannot be stored as JSON without changing it: ${list}`,
      problems.map((p) => ({ field: p.path, message: p.message })),
    );
  }
  return encodeJson(value, what);
}

/** Parse a JSON column; SQL NULL reads back as `null`. Values already parsed by the driver pass through. */
export function decodeJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  return JSON.parse(value) as unknown;
}
