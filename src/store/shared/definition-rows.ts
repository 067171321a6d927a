// Template definitions, the part both stores share: the checks of `saveDefinitions` input, a stored row as a
// StoredDefinition, and what a save did with one definition given the row it found.
import { InvalidRequestError } from '../../core/errors.js';
import type { SaveDefinitionResult, StoredDefinition, TemplateDefinition } from '../../core/store-contract.js';
import { decodeJson } from './json.js';

const FIELDS = ['namespace', 'name', 'version', 'fingerprint'] as const;

/** Every definition names its key and fingerprint (non-empty strings) and carries a definition. */
export function assertDefinitions(defs: readonly TemplateDefinition[]): void {
  defs.forEach((d, i) => {
    for (const field of FIELDS) {
      const v = d[field];
      if (typeof v !== 'string' || v === '')
        throw new InvalidRequestError(`saveDefinitions: definition #${i + 1} needs a non-empty ${field}`, [
          { field, message: 'must be a non-empty string' },
        ]);
    }
    if (d.definition === undefined || d.definition === null)
      throw new InvalidRequestError(
        `saveDefinitions: definition #${i + 1} (${d.namespace}/${d.name}@${d.version}) has no definition`,
      );
  });
}

export function mapDefinitionRow(r: Record<string, unknown>): StoredDefinition {
  return {
    namespace: String(r.namespace),
    name: String(r.name),
    version: String(r.version),
    fingerprint: String(r.fingerprint),
    definition: decodeJson(r.definition),
    stored_at: Number(r.stored_at),
  };
}

/** The outcome for a definition whose key holds `row` (a row it did not insert): unchanged, or a conflict. */
export function compareStored(def: TemplateDefinition, row: StoredDefinition): SaveDefinitionResult {
  return { status: row.fingerprint === def.fingerprint ? 'unchanged' : 'conflict', stored: row };
}
