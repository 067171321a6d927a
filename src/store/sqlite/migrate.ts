// Applies pending SQLite migrations on open, each in its own IMMEDIATE transaction (so two processes opening the
// same file at once migrate it once), or checks that a file is current without changing it. A file a newer Tasker
// migrated is used as it is when its later migrations keep this release working (tasker_schema_migrations
// .compatible_from), and refused otherwise.
import type { Database } from 'better-sqlite3';
import { StoreSchemaError } from '../../core/errors.js';
import type { Logger } from '../../telemetry/logger.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import {
  addCompatibleFrom,
  createMigrationsTable,
  firstIncompatible,
  hasCompatibleFrom,
  migrationsTableExists,
  recordMigration,
  schemaVersion,
} from './sql/migrate.js';

export function currentSchemaVersion(db: Database): number {
  const row = db.prepare(schemaVersion).get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * A file at `found`, newer than this code (which knows versions up to `known`): used as it is when no migration
 * above `known` needs newer code; otherwise StoreSchemaError naming the migration and both versions.
 */
function acceptNewer(db: Database, found: number, known: number, where: string, logger?: Logger): void {
  let blocker: { version: number; name: string; compatible_from: number } | undefined;
  try {
    blocker = db.prepare(firstIncompatible).get(known, known) as typeof blocker;
  } catch {
    // no compatible_from column: the file says nothing about which releases it keeps working
    throw new StoreSchemaError(
      `the database ${where} has schema version ${found}, but this Tasker only knows versions up to ${known}: ` +
        'upgrade Tasker to the version that wrote it, or point --db / TASKER_DATABASE_URL at another database',
      { found, known },
    );
  }
  if (blocker) {
    throw new StoreSchemaError(
      `the database ${where} has schema version ${found}, and its migration ${blocker.version} (${blocker.name}) ` +
        `needs a Tasker that knows version ${blocker.compatible_from} or later; this one knows versions up to ` +
        `${known}: upgrade Tasker, or point --db / TASKER_DATABASE_URL at another database`,
      { found, known, migration: blocker.version, needs: blocker.compatible_from },
    );
  }
  logger?.warn(
    { db: where, version: found, known },
    'store schema is newer than this Tasker; its later migrations keep this release working, so it runs on it',
  );
}

/**
 * Checks, without changing anything, that the database is at the latest schema version, or newer and still working
 * for this release (`db` null: the file is missing, version 0). Throws StoreSchemaError naming the version found and
 * the one required otherwise.
 */
export function requireCurrentSchema(db: Database | null, where: string, logger?: Logger): void {
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  const present = db !== null && (db.prepare(migrationsTableExists).get() as { present: number }).present === 1;
  const version = present ? currentSchemaVersion(db) : 0;
  if (version > latest) return acceptNewer(db!, version, latest, where, logger);
  if (version === latest) return;
  const found =
    db === null
      ? `the database ${where} does not exist (version 0); this Tasker needs version ${latest}`
      : version === 0
        ? `the database ${where} has no Tasker tables (version 0); this Tasker needs version ${latest}`
        : `the database ${where} has schema version ${version}, but this Tasker needs version ${latest}`;
  throw new StoreSchemaError(
    `${found}: run \`tasker migrate\` against it first, or open it with migrate: true (CLI: --migrate)`,
    { found: version, required: latest },
  );
}

/** Bring the schema up to date. Returns the versions applied by this call. */
export function migrate(
  db: Database,
  where: string,
  logger?: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.transaction(() => {
    db.exec(createMigrationsTable);
    if ((db.prepare(hasCompatibleFrom).get() as { present: number }).present !== 1) db.exec(addCompatibleFrom);
  }).immediate();
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const found = currentSchemaVersion(db);
  if (found > latest) {
    acceptNewer(db, found, latest, where, logger);
    return [];
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    // A rebuilding migration needs foreign key enforcement off, which only changes outside a transaction.
    const fkOff = migration.rebuildsTables === true && currentSchemaVersion(db) < migration.version;
    const fkWasOn = fkOff && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
    if (fkWasOn) db.pragma('foreign_keys = OFF');
    const apply = db.transaction(() => {
      if (currentSchemaVersion(db) >= migration.version) return;
      try {
        db.exec(migration.sql);
        if (fkOff) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`foreign key check found ${broken.length} broken reference(s)`);
        }
      } catch (err) {
        throw new StoreSchemaError(
          `migration ${migration.version} (${migration.name}) failed on ${where}: ${(err as Error).message}`,
        );
      }
      db.prepare(recordMigration).run(migration.version, migration.name, Date.now(), migration.compatibleFrom ?? 0);
      applied.push(migration.version);
    });
    try {
      apply.immediate();
    } finally {
      if (fkWasOn) db.pragma('foreign_keys = ON');
    }
  }
  const version = currentSchemaVersion(db);
  if (version > latest) acceptNewer(db, version, latest, where, logger); // another process migrated further meanwhile
  if (applied.length > 0) logger?.info({ db: where, applied, version }, 'store schema migrated');
  return applied;
}
