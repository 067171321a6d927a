// The connection pool and the query plumbing every PostgreSQL store operation uses: int8 parsed to numbers, idle
// connection errors logged (never thrown), transactions that survive a broken connection without leaking it and
// are re-run when PostgreSQL aborts them for a deadlock or serialization conflict.
import pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import { isConnectionLevelError, isRetryableConflict } from './transient-errors.js';

export type Queryable = pg.Pool | pg.PoolClient;

/** A statement with a stable name, so `pg` prepares it once per connection and reuses the plan. */
export interface NamedStatement {
  name: string;
  text: string;
}

export interface PoolSettings {
  connectionString: string;
  max: number;
  logger: Logger;
}

const INT8_OID = 20;
const MAX_CONFLICT_RETRIES = 5;

/** Type parsers for this store's connections only: bigint ids and counts come back as JS numbers. */
export function storeTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => Number(value));
  return types;
}

/** Connection settings shared by the pool and the LISTEN client. */
export function clientConfig(connectionString: string): pg.ClientConfig {
  return {
    connectionString,
    types: storeTypes(),
    application_name: 'tasker',
    // TCP keepalive probes after 10 s idle, so a silently dropped connection (no RST) is noticed.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: 10_000,
  };
}

export function createPool(settings: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(settings.connectionString),
    max: settings.max,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that dies (server restart, network) must not crash the process: log it; the pool drops it.
  pool.on('error', (err) => {
    settings.logger.warn(
      { err: err.message, code: (err as { code?: string }).code },
      'PostgreSQL idle connection lost',
    );
  });
  return pool;
}

/** Runs a named statement; rows come back typed as the caller says. */
export async function run<R extends pg.QueryResultRow>(
  db: Queryable,
  statement: NamedStatement,
  values: unknown[] = [],
): Promise<R[]> {
  const result = await db.query<R>({ name: statement.name, text: statement.text, values });
  return result.rows;
}

/**
 * A single-statement transaction that PostgreSQL may abort for a deadlock (e.g. a claim racing a cancel) is simply
 * run again; nothing of the aborted attempt was applied.
 */
export async function runRetrying<R extends pg.QueryResultRow>(
  db: Queryable,
  statement: NamedStatement,
  values: unknown[] = [],
): Promise<R[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run<R>(db, statement, values);
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      await sleep(5 * attempt + Math.random() * 20 * attempt);
    }
  }
}

/** Runs an ad-hoc statement (DDL, rarely used reads). */
export async function runText<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const result = await db.query<R>(text, values);
  return result.rows;
}

/**
 * Runs `work` in one READ COMMITTED transaction on a dedicated connection. A deadlock or serialization failure
 * re-runs the whole transaction (it was rolled back, so nothing is applied twice); any other error rolls back and
 * propagates. A connection that broke mid-transaction is destroyed instead of returned to the pool.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  logger: Logger,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
      logger.warn({ err: err.message }, 'PostgreSQL connection lost during a transaction');
    };
    client.on('error', onError);
    let failure: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      failure = err;
      if (!broken && !isConnectionLevelError(err)) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          broken = rollbackErr;
        });
      }
      if (isRetryableConflict(err) && attempt < MAX_CONFLICT_RETRIES) {
        logger.debug({ err: (err as Error).message, attempt }, 'transaction conflict; running it again');
        await sleep(5 * attempt + Math.random() * 20 * attempt);
        continue;
      }
      throw err;
    } finally {
      client.off('error', onError);
      const destroy =
        broken ?? (failure !== undefined && isConnectionLevelError(failure) ? (failure as Error) : undefined);
      client.release(destroy ?? false);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
