// Opening the embedded SQLite store: create the file's directory, open it in WAL mode with its pragmas (the
// durability promise is written below), migrate it or only check that it is current.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, requireCurrentSchema } from './migrate.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/**
 * Open (creating if needed) a SQLite database file, or `:memory:`, and migrate it (or, with `migrate: false`, check
 * that it is current).
 * Durability: WAL with synchronous=NORMAL. A commit is in the WAL before the call returns, so a crash of the
 * process (SIGKILL included) never loses a committed transaction; only an OS crash or power loss can roll back the
 * last few commits (never corrupting the file). That is the guarantee Tasker promises; FULL would fsync every
 * commit for protection against power loss, at a large cost on the hot path.
 */
export async function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const memory = path === ':memory:';
  const where = memory ? ':memory:' : path;
  const migrating = opts.migrate !== false;
  if (!migrating && !memory && !existsSync(path)) requireCurrentSchema(null, where);
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    if (migrating) migrate(db, where, opts.logger);
    else requireCurrentSchema(db, where, opts.logger);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteStore(db, opts.url ?? `sqlite:${path}`, opts);
}
