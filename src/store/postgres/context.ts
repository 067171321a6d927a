// What every PostgreSQL store operation needs: the pool, the schema's names, the statements rendered for that
// schema (sql/) and the logger. Built once by `openPostgresStore`.
import type pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import type { SchemaNames } from './sql.js';
import type { PgStatements } from './sql/index.js';

export interface PgContext {
  pool: pg.Pool;
  names: SchemaNames;
  sql: PgStatements;
  logger: Logger;
}
