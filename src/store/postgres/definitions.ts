// Template definitions on PostgreSQL: keep each definition not stored yet (an insert that leaves existing keys
// alone, safe for any number of processes starting at once), then read every key back to tell stored, unchanged and
// conflict apart. Redefining is refused: many processes share the store, and tasks running in them would change
// definition under them.
import { InvalidRequestError } from '../../core/errors.js';
import type {
  SaveDefinitionResult,
  SaveDefinitionsOptions,
  StoredDefinition,
  TemplateDefinition,
} from '../../core/store-contract.js';
import { compareStored, mapDefinitionRow } from '../shared/definition-rows.js';
import type { PgContext } from './context.js';
import { jsonbValue } from './jsonb.js';
import { run } from './pool.js';

const keyOf = (d: { namespace: string; name: string; version: string }): string =>
  JSON.stringify([d.namespace, d.name, d.version]);

export async function saveDefinitions(
  ctx: PgContext,
  defs: readonly TemplateDefinition[],
  opts: SaveDefinitionsOptions,
): Promise<SaveDefinitionResult[]> {
  if (opts.allowRedefine === true) {
    throw new InvalidRequestError(
      'allowRedefine is refused on PostgreSQL: many processes share the store, and tasks running in them would ' +
        'change definition under them; give the changed template a new version instead',
      [{ field: 'allowRedefine', message: 'not allowed on PostgreSQL' }],
    );
  }
  if (defs.length === 0) return [];
  const jsons = defs.map((d) =>
    jsonbValue(d.definition, `definition of ${d.namespace}/${d.name}@${d.version}`, 'definition'),
  );
  const keys = [defs.map((d) => d.namespace), defs.map((d) => d.name), defs.map((d) => d.version)];
  const inserted = await run<{ namespace: string; name: string; version: string }>(
    ctx.pool,
    ctx.sql.insertDefinitions,
    [...keys, defs.map((d) => d.fingerprint), jsons],
  );
  const mine = new Set(inserted.map(keyOf));
  const rows = await run<Record<string, unknown>>(ctx.pool, ctx.sql.readDefinitions, keys);
  const stored = new Map(rows.map((r) => [keyOf(r as never), mapDefinitionRow(r)]));
  return defs.map((d) => {
    const row = stored.get(keyOf(d));
    if (row === undefined) throw new Error(`template definition ${d.namespace}/${d.name}@${d.version} vanished`);
    return mine.has(keyOf(d)) ? { status: 'stored', stored: row } : compareStored(d, row);
  });
}

export async function listDefinitions(ctx: PgContext): Promise<StoredDefinition[]> {
  const rows = await run<Record<string, unknown>>(ctx.pool, ctx.sql.readDefinitions, [null, null, null]);
  return rows.map(mapDefinitionRow);
}

export async function getDefinition(
  ctx: PgContext,
  namespace: string,
  name: string,
  version: string,
): Promise<StoredDefinition | null> {
  const rows = await run<Record<string, unknown>>(ctx.pool, ctx.sql.readDefinitions, [[namespace], [name], [version]]);
  return rows[0] ? mapDefinitionRow(rows[0]) : null;
}
