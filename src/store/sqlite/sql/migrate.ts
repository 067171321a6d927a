// The SQLite migration runner's own statements (../migrate.ts): the bookkeeping table, the schema version and the
// record of each applied migration.

/**
 * One row per applied migration. compatible_from: the oldest schema version whose code still works after it (0: an
 * expand-only migration keeps every earlier release working); a release reads it on a file newer than it knows.
 */
export const createMigrationsTable = `
  CREATE TABLE IF NOT EXISTS tasker_schema_migrations (
    version         INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    applied_at      INTEGER NOT NULL,
    compatible_from INTEGER NOT NULL DEFAULT 0
  )`;

/** Whether the bookkeeping table has compatible_from (tables made before it existed have not). Row: present. */
export const hasCompatibleFrom =
  "SELECT EXISTS (SELECT 1 FROM pragma_table_info('tasker_schema_migrations') WHERE name = 'compatible_from') AS present";

/** compatible_from for a bookkeeping table made before it existed: its migrations are all expand-only (0). */
export const addCompatibleFrom =
  'ALTER TABLE tasker_schema_migrations ADD COLUMN compatible_from INTEGER NOT NULL DEFAULT 0';

/** Whether the bookkeeping table exists (a file never migrated has none). Row: present. */
export const migrationsTableExists =
  "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasker_schema_migrations') AS present";

/** The schema's version: the highest migration applied (NULL when none). Row: v. */
export const schemaVersion = 'SELECT MAX(version) AS v FROM tasker_schema_migrations';

/**
 * Migration version ?, named ?, applied at ? (epoch ms); only code that knows version ? or later works after it (0
 * for an expand-only migration, which keeps every earlier release working).
 */
export const recordMigration =
  'INSERT INTO tasker_schema_migrations (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?)';

/**
 * On a file newer than this code (which knows versions up to ?): the migration above it that needs the newest code,
 * if any needs code newer than it (the same ? twice). Row: version, name, compatible_from; none when this code may
 * run on it.
 */
export const firstIncompatible = `SELECT version, name, compatible_from FROM tasker_schema_migrations
   WHERE version > ? AND compatible_from > ?
   ORDER BY compatible_from DESC, version DESC LIMIT 1`;
