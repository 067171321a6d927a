// Template definitions on SQLite (DefinitionStore, core/store-definitions.ts): the store's `definitions` part. Each
// save is one IMMEDIATE transaction that keeps every definition not stored yet; with allowRedefine (a developer's
// loop on the embedded store) a different definition replaces the stored one.
import type {
  DefinitionStore,
  SaveDefinitionResult,
  SaveDefinitionsOptions,
  StoredDefinition,
  TemplateDefinition,
} from '../../core/store-contract.js';
import { encodeJson } from '../shared/json.js';
import { assertDefinitions, compareStored, mapDefinitionRow } from '../shared/definition-rows.js';
import type { Statements } from './statements.js';
import type { SqliteTx } from './tx.js';

type Row = Record<string, unknown>;

function saveDefinitionsInTx(
  tx: SqliteTx,
  defs: readonly TemplateDefinition[],
  allowRedefine: boolean,
): SaveDefinitionResult[] {
  const { st, now } = tx;
  return defs.map((d) => {
    const found = st.readDefinition.get(d.namespace, d.name, d.version) as Row | undefined;
    const json = encodeJson(d.definition, `definition of ${d.namespace}/${d.name}@${d.version}`)!;
    const fresh: StoredDefinition = { ...d, definition: JSON.parse(json) as unknown, stored_at: now };
    if (found === undefined) {
      st.insertDefinition.run(d.namespace, d.name, d.version, d.fingerprint, json, now);
      return { status: 'stored', stored: fresh };
    }
    const outcome = compareStored(d, mapDefinitionRow(found));
    if (outcome.status === 'unchanged' || !allowRedefine) return outcome;
    st.replaceDefinition.run(d.fingerprint, json, now, d.namespace, d.name, d.version);
    return { status: 'replaced', stored: fresh };
  });
}

/** The store's `definitions` part: each save one IMMEDIATE transaction. */
export class SqliteDefinitions implements DefinitionStore {
  constructor(
    private readonly st: Statements,
    private readonly write: <T>(actor: string | null, fn: (tx: SqliteTx) => T) => T,
  ) {}

  async saveDefinitions(
    defs: readonly TemplateDefinition[],
    opts: SaveDefinitionsOptions = {},
  ): Promise<SaveDefinitionResult[]> {
    assertDefinitions(defs);
    if (defs.length === 0) return [];
    return this.write(null, (tx) => saveDefinitionsInTx(tx, defs, opts.allowRedefine === true));
  }

  async listDefinitions(): Promise<StoredDefinition[]> {
    return (this.st.listDefinitions.all() as Row[]).map(mapDefinitionRow);
  }

  async getDefinition(namespace: string, name: string, version: string): Promise<StoredDefinition | null> {
    const row = this.st.readDefinition.get(namespace, name, version) as Row | undefined;
    return row === undefined ? null : mapDefinitionRow(row);
  }
}
