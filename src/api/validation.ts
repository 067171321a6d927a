// Request validation with Ajv: bodies are checked strictly (no type coercion, unknown fields rejected, every
// error reported), while path parameters and query strings — always text on the wire — are coerced to the
// schema's types (`?limit=10` -> 10, a single `?state=x` -> ['x']).
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, useDefaults: true, ...options });
  addFormats(ajv);
  // OpenAPI documentation keywords carried in the schemas.
  ajv.addVocabulary(['example']);
  return ajv;
}

const DECIMAL: Record<string, RegExp> = { integer: /^-?[0-9]+$/, number: /^-?[0-9]+(\.[0-9]+)?$/ };

interface AjvLikeError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Ajv's coercion reads numbers the way JavaScript does (`0x10`, `1e3`, ` 7`); on the wire a number must be plain
 * decimal digits, so text that is not is rejected before coercion.
 */
function strictNumbers(
  schema: Record<string, unknown>,
  validate: ValidateFunction,
): ReturnType<FastifySchemaCompiler<unknown>> {
  const numeric = Object.entries((schema.properties ?? {}) as Record<string, { type?: string }>)
    .filter(([, s]) => s.type === 'integer' || s.type === 'number')
    .map(([name, s]) => [name, DECIMAL[s.type!]!] as const);
  if (!numeric.length) return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  const check = (data: unknown): boolean => {
    const errors: AjvLikeError[] = [];
    if (data && typeof data === 'object') {
      for (const [name, pattern] of numeric) {
        const raw = (data as Record<string, unknown>)[name];
        const values = Array.isArray(raw) ? raw : [raw];
        if (values.some((v) => typeof v === 'string' && !pattern.test(v))) {
          errors.push({
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}/type`,
            keyword: 'type',
            params: {},
            message: 'must be a decimal number',
          });
        }
      }
    }
    if (errors.length) {
      check.errors = errors;
      return false;
    }
    const ok = validate(data) as boolean;
    check.errors = validate.errors ?? null;
    return ok;
  };
  check.errors = null as AjvLikeError[] | null | undefined | ValidateFunction['errors'];
  return check as unknown as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** A Fastify validator compiler: strict for bodies, coercing (decimal text only) for params and query strings. */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return bodyAjv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
    return strictNumbers(schema as Record<string, unknown>, textAjv.compile(schema as object));
  };
}
