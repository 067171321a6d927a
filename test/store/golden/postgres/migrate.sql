-- migrationLock (tasker_migration_lock)
SELECT pg_advisory_xact_lock($1::bigint);

-- schemaExists (tasker_schema_exists)
SELECT 1 FROM pg_namespace WHERE nspname = $1;

-- createSchema (tasker_create_schema)
CREATE SCHEMA "tasker";

-- createMigrationsTable (tasker_create_migrations_table)
CREATE TABLE IF NOT EXISTS "tasker".schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );

-- migrationsTableExists (tasker_migrations_table_exists)
SELECT to_regclass('"tasker".schema_migrations') IS NOT NULL AS present;

-- schemaVersion (tasker_schema_version)
SELECT max(version) AS version FROM "tasker".schema_migrations;

-- recordMigration (tasker_record_migration)
INSERT INTO "tasker".schema_migrations (version, name) VALUES ($1, $2);
