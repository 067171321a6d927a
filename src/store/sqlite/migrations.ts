// The SQLite schema as an ordered list of migrations: frozen SQL in ./migrations/, one file each. Append new versions
// at the end; never edit a released one (a change is a new migration).
import { migration0001 } from './migrations/0001-initial-schema.js';
import { migration0002 } from './migrations/0002-running-index.js';
import { migration0003 } from './migrations/0003-state-checks.js';
import { migration0004 } from './migrations/0004-planning-capabilities.js';
import { migration0005 } from './migrations/0005-task-trace-context.js';
import { migration0006 } from './migrations/0006-task-runs.js';
import { migration0007 } from './migrations/0007-dashboard-reads.js';
import { migration0008 } from './migrations/0008-flow-control.js';
import { migration0009 } from './migrations/0009-cron-schedules.js';
import { migration0011 } from './migrations/0011-concurrency-limits.js';
import { migration0012 } from './migrations/0012-rate-limits.js';
import { migration0013 } from './migrations/0013-template-definitions.js';
import { migration0014 } from './migrations/0014-dynamic-workflows.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Rebuilds tables that others reference: run with foreign key enforcement off (it cannot change inside a
   * transaction), checked with `PRAGMA foreign_key_check` before the commit (SQLite's documented procedure).
   */
  rebuildsTables?: boolean;
  /**
   * A contract step (it removes or changes what an earlier release uses): only code that knows this version or a
   * later one can run after it, and older code refuses the file. Unset for an expand-only migration, which keeps
   * every earlier release working (the rule for a migration that ships beside code still used by the previous
   * release). Recorded in tasker_schema_migrations.compatible_from (0 when unset).
   */
  compatibleFrom?: number;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: migration0001 },
  { version: 2, name: 'one index for running steps', sql: migration0002 },
  { version: 3, name: 'state checks without IN lists', sql: migration0003, rebuildsTables: true },
  { version: 4, name: 'deferred planning, worker capabilities', sql: migration0004 },
  { version: 5, name: 'task trace context', sql: migration0005 },
  { version: 6, name: 'task runs (rerun from a step)', sql: migration0006 },
  { version: 7, name: 'dashboard reads: list search and activity indexes', sql: migration0007 },
  { version: 8, name: 'flow control: priorities, delayed starts, pauses', sql: migration0008 },
  { version: 9, name: 'cron schedules: schedules, ticks, tasks.scheduled_for', sql: migration0009 },
  { version: 11, name: 'flow control: concurrency limits', sql: migration0011 },
  { version: 12, name: 'flow control: rate limits', sql: migration0012 },
  { version: 13, name: 'template versions: stored definitions', sql: migration0013 },
  { version: 14, name: 'dynamic workflows: waits, signals, sub-workflows, maps', sql: migration0014 },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
