// The migration runner's own statements (../migrations.ts): the advisory lock that serialises migrating processes,
// the schema and its bookkeeping table, the version check and the record of each applied migration. Sent unnamed,
// inside the migration transaction.
import { statement } from './statement.js';

/** Wait for the migration lock of this schema ($1: its 63-bit key), held until the transaction ends. */
export const migrationLock = statement('migration_lock', () => 'SELECT pg_advisory_xact_lock($1::bigint)');

/** Whether schema $1 exists. Row: one, or none. */
export const schemaExists = statement('schema_exists', () => 'SELECT 1 FROM pg_namespace WHERE nspname = $1');

/** Created only when missing: a role without CREATE on the database can still use a schema made for it. */
export const createSchema = statement('create_schema', (n) => `CREATE SCHEMA ${n.q}`);

export const createMigrationsTable = statement(
  'create_migrations_table',
  (n) => `CREATE TABLE IF NOT EXISTS ${n.q}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
);

/** Whether the bookkeeping table exists (a schema never migrated has none). Row: present. */
export const migrationsTableExists = statement(
  'migrations_table_exists',
  (n) => `SELECT to_regclass('${n.q}.schema_migrations') IS NOT NULL AS present`,
);

/** The schema's version: the highest migration applied (NULL when none). Row: version. */
export const schemaVersion = statement(
  'schema_version',
  (n) => `SELECT max(version) AS version FROM ${n.q}.schema_migrations`,
);

/** Migration $1 (version), named $2, was applied. */
export const recordMigration = statement(
  'record_migration',
  (n) => `INSERT INTO ${n.q}.schema_migrations (version, name) VALUES ($1, $2)`,
);
