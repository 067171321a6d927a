// The application/json body parser. Bodies are read as bytes and refused rather than changed: a charset other than
// UTF-8 (415), bytes that are not UTF-8 (400 — they are not decoded to U+FFFD), and JSON that a JavaScript value
// cannot hold as sent (400 naming each field): numbers beyond ±(2^53−1) (send big integers as strings), numbers
// out of a double's range or so small they would become 0, unpaired UTF-16 surrogates (`"\ud800"`) in any string
// or key, duplicate keys with different values. `__proto__` keys and `constructor.prototype` are refused as before.
// Node 20's JSON.parse cannot show a number's source text, so the body is parsed with lossless-json.
import { isUtf8 } from 'node:buffer';
import contentType from 'content-type';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseLossless } from 'lossless-json';
import { jsonProblems, UNSAFE_INTEGER_MESSAGE } from '../core/json-fidelity.js';
import { ApiError } from './errors.js';

const UTF8 = new Set(['utf-8', 'utf8']);

/** A number whose text a double cannot hold as sent; reported with its path after parsing. */
class LostNumber {
  constructor(readonly message: string) {}
}

function parseNumber(text: string): number | LostNumber {
  const value = Number(text);
  if (!Number.isFinite(value)) return new LostNumber(`${text} is beyond the range of a double (±1.8e308)`);
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return new LostNumber(`${text} ${UNSAFE_INTEGER_MESSAGE}`);
  if (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, '')))
    return new LostNumber(`${text} is too small for a double (it would become 0)`);
  return value;
}

function malformed(message: string): ApiError {
  return new ApiError(400, 'malformed_json', message);
}

/** The charset a Content-Type names, lower-cased; null when none. A header that does not parse is left to Fastify. */
function charsetOf(header: string | undefined): string | null {
  if (!header) return null;
  try {
    return contentType.parse(header).parameters.charset?.toLowerCase() ?? null;
  } catch {
    throw new ApiError(415, 'unsupported_media_type', `malformed Content-Type '${header}'`);
  }
}

/** Parse a JSON body exactly as sent, or throw an ApiError saying what is wrong and where. */
export function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== null && !UTF8.has(charset)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `charset '${charset}' is not supported; send JSON in UTF-8 (charset=utf-8, or no charset)`,
      {
        charset,
      },
    );
  }
  if (body.length === 0) throw malformed('the body is empty; send a JSON value');
  if (!isUtf8(body)) throw malformed('the body is not valid UTF-8; send JSON in UTF-8');
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = parseLossless(text, null, parseNumber);
  } catch (err) {
    if (err instanceof RangeError) throw malformed('the body is nested too deeply');
    throw malformed(`the body is not valid JSON: ${(err as Error).message}`);
  }
  const problems = jsonProblems(value, 'body', {
    max: 20,
    inspect: (v, path) => {
      if (v instanceof LostNumber) return v.message;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) checkPoisoning(v as Record<string, unknown>, path);
      return null;
    },
  });
  if (problems.length) {
    const details = problems.map((p) => ({ field: p.path, message: p.message }));
    throw new ApiError(
      400,
      'invalid_request',
      `invalid body: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`,
      details,
    );
  }
  return value;
}

/** The prototype-poisoning refusal Fastify's default parser applied (onProtoPoisoning/onConstructorPoisoning: error). */
function checkPoisoning(object: Record<string, unknown>, path: () => string): void {
  if (Object.hasOwn(object, '__proto__'))
    throw malformed(`the body has a '__proto__' key at ${path()}, which is refused`);
  const ctor = object.constructor;
  if (
    Object.hasOwn(object, 'constructor') &&
    ctor !== null &&
    typeof ctor === 'object' &&
    Object.hasOwn(ctor, 'prototype')
  ) {
    throw malformed(`the body has 'constructor.prototype' at ${path()}, which is refused`);
  }
}

/** Replace Fastify's application/json parser with this one. */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
