// PostgreSQL migration 12, frozen: template versions pinned per task (issue 15), expand-only (a new table nothing of
// the previous release reads).
// - template_definitions: the definition (the normalised template as jsonb) each (namespace, name, version) was first
//   used with, its fingerprint (the engine's canonical hash; a different one under the same key is refused) and when
//   it was stored. Tasks carry no column for it: (namespace, name, version), which tasks already hold, identifies it.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0012 = (n: SchemaNames): string[] => [
  `CREATE TABLE ${n.q}.template_definitions (
      namespace text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      fingerprint text NOT NULL,
      definition jsonb NOT NULL,
      stored_at timestamptz NOT NULL,
      PRIMARY KEY (namespace, name, version)
    )`,
];
