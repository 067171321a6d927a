// Versioned migrations of the PostgreSQL store, applied on open inside one transaction that holds an advisory
// lock keyed by the schema, so any number of processes may open (and migrate) the same database at once; or, for a
// process that must not migrate, a check that the schema is current. A schema a newer Tasker migrated is used as it
// is when its later migrations keep this release working (schema_migrations.compatible_from), and refused otherwise.
import type pg from 'pg';
import { StoreSchemaError } from '../../core/errors.js';
import type { Logger } from '../../telemetry/logger.js';
import { runText, withTransaction, type Queryable } from './pool.js';
import { migration0001 } from './migrations/0001-initial-tables.js';
import { migration0002 } from './migrations/0002-completion-function.js';
import { migration0003 } from './migrations/0003-planning-capabilities.js';
import { migration0004 } from './migrations/0004-task-trace-context.js';
import { migration0005 } from './migrations/0005-task-runs.js';
import { migration0006 } from './migrations/0006-dashboard-reads.js';
import { migration0007 } from './migrations/0007-flow-control.js';
import { migration0008 } from './migrations/0008-cron-schedules.js';
import { migration0010 } from './migrations/0010-concurrency-limits.js';
import { migration0011 } from './migrations/0011-rate-limits.js';
import { migration0012 } from './migrations/0012-template-definitions.js';
import { migration0013 } from './migrations/0013-dynamic-workflows.js';
import { migration0014 } from './migrations/0014-lean-writes.js';
import { migration0015 } from './migrations/0015-task-fillfactor.js';
import { migration0016 } from './migrations/0016-one-outcome-completion.js';
import { migration0017 } from './migrations/0017-key-only-completion-plans.js';
import { advisoryKey, type SchemaNames } from './sql.js';
import {
  addCompatibleFrom,
  createMigrationsTable,
  createSchema,
  firstIncompatible,
  hasCompatibleFrom,
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
  /**
   * A contract step (it removes or changes what an earlier release uses): only code that knows this version or a
   * later one can run after it, and older code refuses the schema. Unset for an expand-only migration, which keeps
   * every earlier release working (the rule for a migration that ships beside code still used by the previous
   * release). Recorded in schema_migrations.compatible_from (0 when unset).
   */
  compatibleFrom?: number;
}

/**
 * Every migration this code knows, in order: frozen SQL in ./migrations/, one file each. Append only; never edit a
 * released one (a changed function is a new migration with a new function name).
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial tables', statements: migration0001 },
  { version: 2, name: 'completion function, lighter step writes', statements: migration0002 },
  { version: 3, name: 'deferred planning, worker capabilities', statements: migration0003 },
  { version: 4, name: 'task trace context', statements: migration0004 },
  { version: 5, name: 'task runs (rerun from a step)', statements: migration0005 },
  { version: 6, name: 'dashboard reads: list search and activity indexes', statements: migration0006 },
  { version: 7, name: 'flow control: priorities, delayed starts, pauses', statements: migration0007 },
  { version: 8, name: 'cron schedules: schedules, ticks, tasks.scheduled_for', statements: migration0008 },
  { version: 10, name: 'flow control: concurrency limits', statements: migration0010 },
  { version: 11, name: 'flow control: rate limits', statements: migration0011 },
  { version: 12, name: 'template versions: stored definitions', statements: migration0012 },
  { version: 13, name: 'dynamic workflows: waits, signals, sub-workflows, maps', statements: migration0013 },
  { version: 14, name: 'lean writes: steps fillfactor, partial tag index', statements: migration0014 },
  { version: 15, name: 'lean writes: tasks fillfactor 50 (HOT starts)', statements: migration0015 },
  { version: 16, name: 'completion function v7: one-outcome path', statements: migration0016 },
  { version: 17, name: 'completion function v7: key-only plans (enable_seqscan off)', statements: migration0017 },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** How to bring a schema up to date, for the refusals below. */
const HOW_TO_MIGRATE = 'run `tasker migrate` against it first, or open it with migrate: true (CLI: --migrate)';

/**
 * A schema at `version`, newer than this code (which knows versions up to `known`): used as it is when no migration
 * above `known` needs newer code; otherwise StoreSchemaError naming the migration and both versions.
 */
async function acceptNewer(
  db: Queryable,
  names: SchemaNames,
  version: number,
  known: number,
  logger: Logger,
): Promise<void> {
  let blocker: { version: number; name: string; compatible_from: number } | undefined;
  try {
    [blocker] = await runText<NonNullable<typeof blocker>>(db, firstIncompatible.render(names), [known]);
  } catch (err) {
    if (isTransientDbError(err)) throw err;
    // no compatible_from column: the schema says nothing about which releases it keeps working
    throw new StoreSchemaError(
      `PostgreSQL schema "${names.schema}" is at version ${version}, newer than this Tasker knows (${known}); ` +
        'upgrade Tasker or use another schema',
      { schema: names.schema, version, known },
    );
  }
  if (blocker) {
    throw new StoreSchemaError(
      `PostgreSQL schema "${names.schema}" is at version ${version}, and its migration ${blocker.version} ` +
        `(${blocker.name}) needs a Tasker that knows version ${blocker.compatible_from} or later; this one knows ` +
        `versions up to ${known}: upgrade Tasker or use another schema`,
      { schema: names.schema, version, known, migration: blocker.version, needs: blocker.compatible_from },
    );
  }
  logger.warn(
    { schema: names.schema, version, known },
    'PostgreSQL schema is newer than this Tasker; its later migrations keep this release working, so it runs on it',
  );
}

/**
 * Checks, without changing anything, that the schema is at LATEST_SCHEMA_VERSION (or newer and still working for
 * this release): the open of a process that must not migrate (a worker during a rolling deploy; `tasker migrate` is
 * the upgrade step). Throws StoreSchemaError naming the version found and the one required otherwise.
 */
export async function requireCurrentSchema(pool: pg.Pool, names: SchemaNames, logger: Logger): Promise<void> {
  const [table] = await runText<{ present: boolean }>(pool, migrationsTableExists.render(names));
  const version = table?.present
    ? ((await runText<{ version: number | null }>(pool, schemaVersion.render(names)))[0]?.version ?? 0)
    : 0;
  if (version > LATEST_SCHEMA_VERSION) return acceptNewer(pool, names, version, LATEST_SCHEMA_VERSION, logger);
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
 * Brings the schema to the latest version of `migrations` (default: every migration this code knows). A schema a
 * newer Tasker migrated is left as it is when it keeps this release working; StoreSchemaError when it does not, or
 * when a migration fails (nothing of it is kept).
 */
export async function migrate(
  pool: pg.Pool,
  names: SchemaNames,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  return withTransaction(pool, logger, async (client) => {
    const sql = (st: PgStatement): string => st.render(names);
    await runText(client, sql(migrationLock), [advisoryKey(`tasker:migrate:${names.schema}`)]);
    // Only create what is missing: a role without CREATE on the database can still use a schema made for it.
    const [exists] = await runText(client, sql(schemaExists), [names.schema]);
    if (!exists) await runText(client, sql(createSchema));
    await runText(client, sql(createMigrationsTable));
    const [hasCompat] = await runText(client, sql(hasCompatibleFrom), [names.schema]);
    if (!hasCompat) await runText(client, sql(addCompatibleFrom));
    const [row] = await runText<{ version: number | null }>(client, sql(schemaVersion));
    const current = row?.version ?? 0;
    if (current > latest) {
      await acceptNewer(client, names, current, latest, logger);
      return { from: current, to: current, applied: [] };
    }
    const applied: number[] = [];
    for (const migration of migrations) {
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
      const row = [migration.version, migration.name, migration.compatibleFrom ?? 0];
      await runText(client, sql(recordMigration), row);
      applied.push(migration.version);
    }
    if (applied.length > 0) logger.info({ schema: names.schema, applied }, 'PostgreSQL store migrated');
    return { from: current, to: latest, applied };
  });
}
