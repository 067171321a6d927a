-- createMigrationsTable

  CREATE TABLE IF NOT EXISTS tasker_schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  );

-- migrationsTableExists
SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasker_schema_migrations') AS present;

-- schemaVersion
SELECT MAX(version) AS v FROM tasker_schema_migrations;

-- recordMigration
INSERT INTO tasker_schema_migrations (version, name, applied_at) VALUES (?, ?, ?);
