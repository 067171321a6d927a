// Which commands migrate the store they open. A PostgreSQL schema is shared by a fleet: it is upgraded once, by
// `tasker migrate`, before new workers roll out (every migration keeps the previous release's code working), so
// `worker`, `serve`, `submit` and `tasks` only check that it is current unless given --migrate (tasks: never).
// `run`, `resume` and the library migrate on open; an embedded SQLite file is always brought up to date.
import type { Command } from 'commander';
import { storeOptionsFrom } from './engine-options.js';

export function addMigrateOption(cmd: Command): Command {
  return cmd.option(
    '--migrate',
    'bring a PostgreSQL schema up to date on open (default: refuse an older one; `tasker migrate` upgrades it)',
  );
}

/** Whether a command that checks the schema should migrate it instead: --migrate, or an embedded SQLite file. */
export function migrateOnOpen(flags: { db?: string; migrate?: boolean }): boolean {
  if (flags.migrate === true) return true;
  return /^sqlite:/i.test(storeOptionsFrom(flags.db).url);
}
