// Template definitions on PostgreSQL (DefinitionStore, core/store-definitions.ts): the store's `definitions` part.
// A save keeps each definition not stored yet (an insert that leaves existing keys alone, safe for any number of
// processes starting at once), then reads every key back to tell stored, unchanged and conflict apart. Redefining is
// refused: many processes share the store, and tasks running in them would change definition under them.
import { InvalidRequestError } from '../../core/errors.js';
import type {
  DefinitionStore,
  SaveDefinitionResult,
  SaveDefinitionsOptions,
  StoredDefinition,
  TemplateDefinition,
} from '../../core/store-contract.js';
import { assertDefinitions, compareStored, mapDefinitionRow } from '../shared/definition-rows.js';
import type { PgContext } from './context.js';
import { jsonbValue } from './jsonb.js';
import { run } from './pool.js';

const keyOf = (d: { namespace: string; name: string; version: string }): string =>
  JSON.stringify([d.namespace, d.name, d.version]);

async function saveDefinitions(
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

/** The store's `definitions` part. */
export class PgDefinitions implements DefinitionStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly open: () => void,
  ) {}

  async saveDefinitions(
    defs: readonly TemplateDefinition[],
    opts: SaveDefinitionsOptions = {},
  ): Promise<SaveDefinitionResult[]> {
    assertDefinitions(defs);
    this.open();
    return saveDefinitions(this.ctx, defs, opts);
  }

  async listDefinitions(): Promise<StoredDefinition[]> {
    this.open();
    const rows = await run<Record<string, unknown>>(this.ctx.pool, this.ctx.sql.readDefinitions, [null, null, null]);
    return rows.map(mapDefinitionRow);
  }

  async getDefinition(namespace: string, name: string, version: string): Promise<StoredDefinition | null> {
    this.open();
    const keys = [[namespace], [name], [version]];
    const rows = await run<Record<string, unknown>>(this.ctx.pool, this.ctx.sql.readDefinitions, keys);
    return rows[0] ? mapDefinitionRow(rows[0]) : null;
  }
}
