// Request validation with Ajv: bodies are checked strictly (no type coercion, unknown fields rejected, every
// error reported), while path parameters and query strings — always text on the wire — are coerced to the
// schema's types (`?limit=10` -> 10, a single `?state=x` -> ['x']).
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats ships CJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, useDefaults: true, ...options });
  addFormats(ajv);
  // OpenAPI documentation keywords carried in the schemas.
  ajv.addVocabulary(['example']);
  return ajv;
}

/** A Fastify validator compiler: strict for bodies, coercing for params, query strings and headers. */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const textAjv = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
