// Reads a `concurrency` mapping (flow control) of a template or a step: `{ key: "context.customer_id", limit: 1 }` —
// at most `limit` at once per value of the key (context fields, comma-separated to combine several), or, without a
// key (steps only), at most `limit` at once in all. Problems are reported in place with the YAML path.
import { FieldReader, type IssueCollector, type RawObject } from './issue-collector.js';
import type { ConcurrencySpec } from './model.js';
import type { Path } from './source-locator.js';

export const CONCURRENCY_KEYS = ['key', 'limit'] as const;
/** The largest limit a template may declare. */
export const MAX_CONCURRENCY_LIMIT = 1_000_000;

/** One field of a key: `context.` and a dot path of names (no spaces or commas). */
export const KEY_FIELD = /^context(\.[^.\s,]+)+$/;

/** The context paths of a key as declared (`context.tenant_id,context.region` -> [['tenant_id'], ['region']]). */
export function keyPaths(key: string): string[][] {
  return key.split(',').map((f) => f.trim().split('.').slice(1));
}

/**
 * Read `concurrency` at `path` (the mapping `raw`); `needsKey`: a template's limit is per key, so the key is required.
 * Returns undefined when absent or unusable (reported).
 */
export function readConcurrency(
  c: IssueCollector,
  raw: RawObject,
  path: Path,
  needsKey: boolean,
  step?: string,
): ConcurrencySpec | undefined {
  c.unknownKeys(raw, CONCURRENCY_KEYS, path, 'concurrency', step);
  const r = new FieldReader(c, raw, path, step);
  const limit = r.integerIn('limit', 1, MAX_CONCURRENCY_LIMIT);
  if (!r.has('limit')) {
    c.add('missing_key', "concurrency has no 'limit' (how many may run at once)", {
      path,
      key: 'concurrency.limit',
      ...(step !== undefined ? { step } : {}),
    });
  }
  let key: string | undefined;
  if (r.has('key')) {
    const text = r.string('key');
    if (text !== undefined) {
      const fields = text.split(',').map((f) => f.trim());
      const bad = fields.filter((f) => !KEY_FIELD.test(f));
      if (bad.length > 0) {
        c.add(
          'invalid_value',
          `concurrency key ${bad.map((b) => `'${b}'`).join(', ')} is not a context field: write context.<field>, ` +
            "several separated by commas (e.g. 'context.tenant_id,context.region')",
          { path: [...path, 'key'], key: 'concurrency.key', ...(step !== undefined ? { step } : {}) },
        );
      } else key = fields.join(',');
    }
  } else if (needsKey) {
    c.add(
      'missing_key',
      "a template's concurrency needs a 'key' (e.g. key: context.customer_id): the limit applies per key value",
      { path, key: 'concurrency.key' },
    );
  }
  if (limit === undefined || (needsKey && key === undefined) || (r.has('key') && key === undefined)) return undefined;
  return key === undefined ? { limit } : { key, limit };
}
