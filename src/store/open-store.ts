// The store factory: turns a store URL (resolved by the caller: src/engine/options.ts; the embedded default when
// none is given) into an open Store, migrated unless told not to — SQLite for `sqlite:` URLs, PostgreSQL for
// `postgres://` / `postgresql://`.
import { resolve } from 'node:path';
import { TASKER_DEFAULTS } from '../core/defaults.js';
import { StoreUrlError } from '../core/errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { Store } from '../core/store-contract.js';
import { redactStoreUrl } from './store-url.js';

export interface OpenStoreOptions {
  logger?: Logger;
  /** PostgreSQL schema holding Tasker's tables (default `tasker`); ignored by SQLite. */
  schema?: string;
  /** PostgreSQL connection pool size; ignored by SQLite. */
  poolSize?: number;
  /**
   * PostgreSQL connections readied for the hot path on open (default 3; 0 for a one-shot command that runs a
   * statement or two); ignored by SQLite.
   */
  warmConnections?: number;
  /**
   * Bring the schema up to date on open (default true). False only checks that it is current and refuses an older
   * or missing one at once (StoreSchemaError naming both versions), changing nothing: `tasker migrate` upgrades it.
   */
  migrate?: boolean;
}

const ACCEPTED_FORMS =
  'sqlite:<path> (relative or absolute), sqlite://<path>, sqlite::memory:, ' +
  'postgres://user@host:port/database or postgresql://...';

/** The file path (or `:memory:`) a `sqlite:` URL names; null when the URL is not a SQLite one. */
export function sqlitePathOf(url: string): string | null {
  if (!/^sqlite:/i.test(url)) return null;
  let rest = url.slice('sqlite:'.length);
  if (rest === ':memory:') return ':memory:';
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '' || rest === ':memory:') {
    if (rest === ':memory:') return rest;
    throw new StoreUrlError(`store URL "${redactStoreUrl(url)}" names no file; accepted forms: ${ACCEPTED_FORMS}`);
  }
  return resolve(rest);
}

/** Open (and migrate, unless `migrate: false`) the store a URL names; no URL opens the embedded default. */
export async function openStore(url?: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const target = url === undefined || url === null || url.trim() === '' ? TASKER_DEFAULTS.db : url.trim();
  const sqlitePath = sqlitePathOf(target);
  // Lazy imports keep each driver out of the other store's processes (the native SQLite module is not loaded by a
  // PostgreSQL worker, nor pg by an embedded run); literal specifiers let the bundler emit each as its own chunk.
  if (sqlitePath !== null) {
    const { openSqliteStore } = await import('./sqlite/open-sqlite-store.js');
    return openSqliteStore(sqlitePath, {
      url: redactStoreUrl(target),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.migrate !== undefined ? { migrate: opts.migrate } : {}),
    });
  }
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { openPostgresStore } = await import('./postgres/open-postgres-store.js');
    return openPostgresStore(target, opts);
  }
  throw new StoreUrlError(`unsupported store URL "${redactStoreUrl(target)}"; accepted forms: ${ACCEPTED_FORMS}`);
}
