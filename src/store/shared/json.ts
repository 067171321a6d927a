// JSON columns: encoding values for storage with a clear error when a value cannot be stored, and decoding them back.
import { InvalidRequestError } from '../../engine/errors.js';

/**
 * Serialise a value for a JSON column. `undefined` becomes SQL NULL. Throws InvalidRequestError naming `what`
 * when the value is not JSON-serialisable (cycles, BigInt).
 */
export function encodeJson(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (err) {
    throw new InvalidRequestError(`${what} is not JSON-serialisable: ${(err as Error).message}`);
  }
}

/** Parse a JSON column; SQL NULL reads back as `null`. Values already parsed by the driver pass through. */
export function decodeJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  return JSON.parse(value) as unknown;
}
