// Template definitions on PostgreSQL (../definitions.ts): the definition each (namespace, name, version) was first
// used with. Saving is an insert that leaves existing keys alone, then a read of every key asked for (a statement of
// its own, so it sees rows other processes committed meanwhile); the caller compares fingerprints.
import { statement } from './statement.js';

/**
 * Keep the definitions not stored yet: arrays of $1 namespaces, $2 names, $3 versions, $4 fingerprints, $5
 * definitions (jsonb). Rows: the keys it inserted.
 */
export const insertDefinitions = statement(
  'insert_definitions',
  (n) => `INSERT INTO ${n.q}.template_definitions (namespace, name, version, fingerprint, definition, stored_at)
  SELECT u.namespace, u.name, u.version, u.fingerprint, u.definition, date_trunc('milliseconds', now())
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         AS u(namespace, name, version, fingerprint, definition)
   ORDER BY u.namespace, u.name, u.version
  ON CONFLICT (namespace, name, version) DO NOTHING
  RETURNING namespace, name, version`,
);

/**
 * The stored definitions of the keys $1 namespaces, $2 names, $3 versions (text[]), or every one when $1 is NULL.
 * Rows: namespace, name, version, fingerprint, definition, stored_at (epoch ms).
 */
export const readDefinitions = statement(
  'read_definitions',
  (n) => `SELECT d.namespace, d.name, d.version, d.fingerprint, d.definition,
         (round(extract(epoch from d.stored_at) * 1000))::float8 AS stored_at
    FROM ${n.q}.template_definitions d
   WHERE $1::text[] IS NULL
      OR (d.namespace, d.name, d.version) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
   ORDER BY d.namespace, d.name, d.version`,
);
