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

/**
 * One row per applied migration. compatible_from: the oldest schema version whose code still works after it (0: an
 * expand-only migration keeps every earlier release working); a release reads it on a schema newer than it knows.
 */
export const createMigrationsTable = statement(
  'create_migrations_table',
  (n) => `CREATE TABLE IF NOT EXISTS ${n.q}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         compatible_from integer NOT NULL DEFAULT 0
       )`,
);

/** Whether schema $1's bookkeeping table has compatible_from (tables made before it existed have not). Row: one. */
export const hasCompatibleFrom = statement(
  'has_compatible_from',
  () => `SELECT 1 FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'schema_migrations' AND column_name = 'compatible_from'`,
);

/** compatible_from for a bookkeeping table made before it existed: its migrations are all expand-only (0). */
export const addCompatibleFrom = statement(
  'add_compatible_from',
  (n) => `ALTER TABLE ${n.q}.schema_migrations ADD COLUMN compatible_from integer NOT NULL DEFAULT 0`,
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

/**
 * Migration $1 (version), named $2, was applied; only code that knows version $3 or later works after it (0 for an
 * expand-only migration, which keeps every earlier release working).
 */
export const recordMigration = statement(
  'record_migration',
  (n) => `INSERT INTO ${n.q}.schema_migrations (version, name, compatible_from) VALUES ($1, $2, $3)`,
);

/**
 * On a schema newer than this code (which knows versions up to $1): the migration above $1 that needs the newest
 * code, if any needs code newer than $1. Row: version, name, compatible_from; none when this code may run on it.
 */
export const firstIncompatible = statement(
  'first_incompatible',
  (n) => `SELECT version, name, compatible_from FROM ${n.q}.schema_migrations
        WHERE version > $1 AND compatible_from > $1
        ORDER BY compatible_from DESC, version DESC LIMIT 1`,
);
