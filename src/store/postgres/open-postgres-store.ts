// Opening the PostgreSQL store: parse the URL, create the pool, migrate the schema under its advisory lock (or only
// check that it is current), warm a few connections, and build the context and the LISTEN session the PostgresStore
// runs on.
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { StoreUrlError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../telemetry/logger.js';
import { missingLimitReporter } from '../shared/rate-buckets.js';
import type { PgContext } from './context.js';
import { migrate, requireCurrentSchema } from './migrations.js';
import { createPool } from './pool.js';
import { PostgresStore } from './postgres-store.js';
import { presenceLabel } from './presence.js';
import { schemaNames } from './sql.js';
import { pgStatements } from './sql/index.js';
import { parsePostgresUrl } from './url.js';
import { WakeListener } from './wake-listener.js';
import { warmConnections } from './warm-connections.js';

export interface PostgresStoreOptions {
  logger?: Logger;
  /** Schema holding every table; overrides nothing in the URL (giving both with different values is an error). */
  schema?: string;
  /** Connections in the pool (default TASKER_DEFAULTS.poolSize, 10). The LISTEN connection comes on top. */
  poolSize?: number;
  /**
   * Bring the schema up to date on open (default true). False only checks that it is current and refuses it
   * otherwise (StoreSchemaError naming both versions), changing nothing: `tasker migrate` upgrades it.
   */
  migrate?: boolean;
  /**
   * Connections opened and readied for the hot path before the store is used (./warm-connections.ts), so the first
   * requests after a start do not each meet a cold connection. Default: 3, or the pool size when smaller; 0: none.
   */
  warmConnections?: number;
}

/** Open a pool on `url`, migrate the schema (safe with concurrent openers) or check it, and return the store. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const parsed = parsePostgresUrl(url, opts.schema);
  const poolSize = opts.poolSize ?? TASKER_DEFAULTS.poolSize;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new StoreUrlError(`PostgreSQL poolSize must be an integer >= 1, got ${poolSize}`);
  }
  const warm = opts.warmConnections ?? Math.min(poolSize, TASKER_DEFAULTS.warmConnections);
  if (!Number.isInteger(warm) || warm < 0 || warm > poolSize) {
    throw new StoreUrlError(
      `PostgreSQL warmConnections must be an integer from 0 to the pool size (${poolSize}), got ${warm}`,
    );
  }
  const logger = opts.logger ?? silentLogger();
  const pool = createPool({ connectionString: parsed.connectionString, max: poolSize, logger });
  const names = schemaNames(parsed.schema);
  const missingRateLimit = missingLimitReporter((name) =>
    logger.warn({ rate_limit: name }, `rate limit '${name}' is not defined; its steps wait (looked at every 5 s)`),
  );
  const ctx: PgContext = { pool, names, sql: pgStatements(names), logger, missingRateLimit };
  try {
    if (opts.migrate === false) await requireCurrentSchema(pool, names, logger);
    else await migrate(pool, names, logger);
    await warmConnections(ctx, warm);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const session = new WakeListener(parsed.connectionString, names.channel, logger, presenceLabel(names), ctx.sql);
  return new PostgresStore(ctx, parsed.displayUrl, session);
}
