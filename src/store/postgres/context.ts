// What every PostgreSQL store operation needs: the pool, the schema's names, the statements rendered for that
// schema (sql/), the logger and the once-per-name report of undefined rate limits. Built once by `openPostgresStore`.
import type pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import type { SchemaNames } from './sql.js';
import type { PgStatements } from './sql/index.js';

export interface PgContext {
  pool: pg.Pool;
  names: SchemaNames;
  sql: PgStatements;
  logger: Logger;
  /** Reports a rate limit a step uses but no row defines (logged once per name). */
  missingRateLimit: (name: string) => void;
}
