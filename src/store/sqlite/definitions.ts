// Template definitions on SQLite: keep each definition not stored yet, in the caller's IMMEDIATE transaction; with
// allowRedefine (a developer's loop on the embedded store) a different definition replaces the stored one.
import type { SaveDefinitionResult, StoredDefinition, TemplateDefinition } from '../../core/store-contract.js';
import { encodeJson } from '../shared/json.js';
import { compareStored, mapDefinitionRow } from '../shared/definition-rows.js';
import type { Statements } from './statements.js';

export function saveDefinitionsInTx(
  st: Statements,
  now: number,
  defs: readonly TemplateDefinition[],
  allowRedefine: boolean,
): SaveDefinitionResult[] {
  return defs.map((d) => {
    const found = st.readDefinition.get(d.namespace, d.name, d.version) as Record<string, unknown> | undefined;
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

export function listDefinitions(st: Statements): StoredDefinition[] {
  return (st.listDefinitions.all() as Array<Record<string, unknown>>).map(mapDefinitionRow);
}

export function getDefinition(
  st: Statements,
  namespace: string,
  name: string,
  version: string,
): StoredDefinition | null {
  const row = st.readDefinition.get(namespace, name, version) as Record<string, unknown> | undefined;
  return row === undefined ? null : mapDefinitionRow(row);
}
