// The SQLite migration runner's own statements (../migrate.ts): the bookkeeping table, the schema version and the
// record of each applied migration.

export const createMigrationsTable = `
  CREATE TABLE IF NOT EXISTS tasker_schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`;

/** Whether the bookkeeping table exists (a file never migrated has none). Row: present. */
export const migrationsTableExists =
  "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasker_schema_migrations') AS present";

/** The schema's version: the highest migration applied (NULL when none). Row: v. */
export const schemaVersion = 'SELECT MAX(version) AS v FROM tasker_schema_migrations';

/** Migration version ?, named ?, applied at ? (epoch ms). */
export const recordMigration = 'INSERT INTO tasker_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)';
