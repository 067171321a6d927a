// JSON Schema support for a template's `schema` (the task context): checks that a schema is one ajv accepts
// (meta-schema, references, patterns, known formats) and compiles validators. Draft 2019-09 and 2020-12 are picked
// from `$schema`; anything else uses ajv's default (draft-07).
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

export interface SchemaProblem {
  /** Segments inside the schema (e.g. ['properties', 'order_id', 'type']); [] means the schema as a whole. */
  path: string[];
  message: string;
}

function newAjv(schema: Record<string, unknown>, warnings: string[]): Ajv {
  const dialect = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  const options = {
    allErrors: true,
    strict: false,
    logger: {
      log: () => {},
      warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')),
      error: () => {},
    },
  };
  const ajv: Ajv = dialect.includes('2020-12')
    ? new Ajv2020(options)
    : dialect.includes('2019-09')
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every reason ajv rejects `schema`; empty when it compiles cleanly. */
export function checkJsonSchema(schema: Record<string, unknown>): SchemaProblem[] {
  const warnings: string[] = [];
  const ajv = newAjv(schema, warnings);
  if (!ajv.validateSchema(schema)) {
    const byPath = new Map<string, SchemaProblem>();
    for (const err of ajv.errors ?? []) {
      if (byPath.has(err.instancePath)) continue; // anyOf/oneOf repeat the same spot; the first reason is the clearest
      const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues;
      const extra = Array.isArray(allowed) ? ` (${allowed.map((a) => JSON.stringify(a)).join(', ')})` : '';
      byPath.set(err.instancePath, {
        path: pointerSegments(err.instancePath),
        message: `${err.message ?? 'is invalid'}${extra}`,
      });
    }
    return [...byPath.values()];
  }
  try {
    ajv.compile(schema);
  } catch (err) {
    return [{ path: [], message: (err as Error).message }];
  }
  return warnings.filter((w) => /unknown format/i.test(w)).map((w) => ({ path: [], message: w }));
}

/** A validator for task contexts. Throws when the schema is invalid (templates are validated before this is used). */
export function compileJsonSchema(schema: Record<string, unknown>): ValidateFunction {
  return newAjv(schema, []).compile(schema);
}
