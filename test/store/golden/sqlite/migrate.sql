-- createMigrationsTable

  CREATE TABLE IF NOT EXISTS tasker_schema_migrations (
    version         INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    applied_at      INTEGER NOT NULL,
    compatible_from INTEGER NOT NULL DEFAULT 0
  );

-- hasCompatibleFrom
SELECT EXISTS (SELECT 1 FROM pragma_table_info('tasker_schema_migrations') WHERE name = 'compatible_from') AS present;

-- addCompatibleFrom
ALTER TABLE tasker_schema_migrations ADD COLUMN compatible_from INTEGER NOT NULL DEFAULT 0;

-- migrationsTableExists
SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasker_schema_migrations') AS present;

-- schemaVersion
SELECT MAX(version) AS v FROM tasker_schema_migrations;

-- recordMigration
INSERT INTO tasker_schema_migrations (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?);

-- firstIncompatible
SELECT version, name, compatible_from FROM tasker_schema_migrations
   WHERE version > ? AND compatible_from > ?
   ORDER BY compatible_from DESC, version DESC LIMIT 1;
