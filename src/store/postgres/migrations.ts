// Versioned migrations of the PostgreSQL store, applied on open inside one transaction that holds an advisory
// lock keyed by the schema, so any number of processes may open (and migrate) the same database at once.
import type pg from 'pg';
import { StoreSchemaError } from '../../core/errors.js';
import type { Logger } from '../../telemetry/logger.js';
import { runText, withTransaction } from './pool.js';
import { migration0001 } from './migrations/0001-initial-tables.js';
import { migration0002 } from './migrations/0002-completion-function.js';
import { migration0003 } from './migrations/0003-planning-capabilities.js';
import { advisoryKey, type SchemaNames } from './sql.js';
import {
  createMigrationsTable,
  createSchema,
  migrationLock,
  migrationsTableExists,
  recordMigration,
  schemaExists,
  schemaVersion,
} from './sql/migrate.js';
import type { PgStatement } from './sql/statement.js';
import { isTransientDbError } from './transient-errors.js';

export interface Migration {
  version: number;
  name: string;
  statements: (names: SchemaNames) => string[];
}

/**
 * Every migration this code knows, in order: frozen SQL in ./migrations/, one file each. Append only; never edit a
 * released one (a changed function is a new migration with a new function name).
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial tables', statements: migration0001 },
  { version: 2, name: 'completion function, lighter step writes', statements: migration0002 },
  { version: 3, name: 'deferred planning, worker capabilities', statements: migration0003 },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** How to bring a schema up to date, for the refusals below. */
const HOW_TO_MIGRATE = 'run `tasker migrate` against it first, or open it with migrate: true (CLI: --migrate)';

function newerSchemaError(names: SchemaNames, version: number): StoreSchemaError {
  return new StoreSchemaError(
    `PostgreSQL schema "${names.schema}" is at version ${version}, newer than this Tasker knows ` +
      `(${LATEST_SCHEMA_VERSION}); upgrade Tasker or use another schema`,
    { schema: names.schema, version, known: LATEST_SCHEMA_VERSION },
  );
}

/**
 * Checks, without changing anything, that the schema is at LATEST_SCHEMA_VERSION: the open of a process that must
 * not migrate (a worker during a rolling deploy; `tasker migrate` is the upgrade step). Throws StoreSchemaError
 * naming the version found and the one required otherwise.
 */
export async function requireCurrentSchema(pool: pg.Pool, names: SchemaNames): Promise<void> {
  const [table] = await runText<{ present: boolean }>(pool, migrationsTableExists.render(names));
  const version = table?.present
    ? ((await runText<{ version: number | null }>(pool, schemaVersion.render(names)))[0]?.version ?? 0)
    : 0;
  if (version > LATEST_SCHEMA_VERSION) throw newerSchemaError(names, version);
  if (version === LATEST_SCHEMA_VERSION) return;
  const found =
    version === 0
      ? `PostgreSQL schema "${names.schema}" has no Tasker tables (version 0); this Tasker needs version ` +
        `${LATEST_SCHEMA_VERSION}`
      : `PostgreSQL schema "${names.schema}" is at version ${version}, but this Tasker needs version ` +
        `${LATEST_SCHEMA_VERSION}`;
  throw new StoreSchemaError(`${found}: ${HOW_TO_MIGRATE}`, {
    schema: names.schema,
    version,
    required: LATEST_SCHEMA_VERSION,
  });
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema to LATEST_SCHEMA_VERSION. Throws StoreSchemaError when the database was migrated by a newer
 * Tasker (its version is unknown here) or when a migration fails (nothing of it is kept).
 */
export async function migrate(pool: pg.Pool, names: SchemaNames, logger: Logger): Promise<MigrationReport> {
  return withTransaction(pool, logger, async (client) => {
    const sql = (st: PgStatement): string => st.render(names);
    await runText(client, sql(migrationLock), [advisoryKey(`tasker:migrate:${names.schema}`)]);
    // Only create what is missing: a role without CREATE on the database can still use a schema made for it.
    const [exists] = await runText(client, sql(schemaExists), [names.schema]);
    if (!exists) await runText(client, sql(createSchema));
    await runText(client, sql(createMigrationsTable));
    const [row] = await runText<{ version: number | null }>(client, sql(schemaVersion));
    const current = row?.version ?? 0;
    if (current > LATEST_SCHEMA_VERSION) throw newerSchemaError(names, current);
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      try {
        for (const statement of migration.statements(names)) await runText(client, statement);
      } catch (err) {
        if (isTransientDbError(err)) throw err;
        throw new StoreSchemaError(
          `PostgreSQL migration ${migration.version} (${migration.name}) failed in schema "${names.schema}": ` +
            `${(err as Error).message}`,
          { schema: names.schema, version: migration.version, cause: err },
        );
      }
      await runText(client, sql(recordMigration), [migration.version, migration.name]);
      applied.push(migration.version);
    }
    if (applied.length > 0) logger.info({ schema: names.schema, applied }, 'PostgreSQL store migrated');
    return { from: current, to: LATEST_SCHEMA_VERSION, applied };
  });
}
