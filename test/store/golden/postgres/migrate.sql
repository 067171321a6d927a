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
         applied_at timestamptz NOT NULL DEFAULT now(),
         compatible_from integer NOT NULL DEFAULT 0
       );

-- hasCompatibleFrom (tasker_has_compatible_from)
SELECT 1 FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'schema_migrations' AND column_name = 'compatible_from';

-- addCompatibleFrom (tasker_add_compatible_from)
ALTER TABLE "tasker".schema_migrations ADD COLUMN compatible_from integer NOT NULL DEFAULT 0;

-- migrationsTableExists (tasker_migrations_table_exists)
SELECT to_regclass('"tasker".schema_migrations') IS NOT NULL AS present;

-- schemaVersion (tasker_schema_version)
SELECT max(version) AS version FROM "tasker".schema_migrations;

-- recordMigration (tasker_record_migration)
INSERT INTO "tasker".schema_migrations (version, name, compatible_from) VALUES ($1, $2, $3);

-- firstIncompatible (tasker_first_incompatible)
SELECT version, name, compatible_from FROM "tasker".schema_migrations
        WHERE version > $1 AND compatible_from > $1
        ORDER BY compatible_from DESC, version DESC LIMIT 1;
