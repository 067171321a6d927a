// What every PostgreSQL store operation needs: the pool, the schema's names, the prepared statement texts and
// the logger. Built once by `openPostgresStore`.
import type pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import type { HotStatements } from './hot-statements.js';
import type { NamedStatement } from './pool.js';
import type { SchemaNames } from './sql.js';
import type { WriteStatements } from './write-statements.js';

export interface PgContext {
  pool: pg.Pool;
  names: SchemaNames;
  hot: HotStatements;
  /** The call of the completion function (complete-function.ts). */
  complete: NamedStatement;
  /** The one-statement creation of a task with open steps (create-task.ts). */
  createTask: NamedStatement;
  write: WriteStatements;
  logger: Logger;
}
