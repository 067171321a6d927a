// PostgreSQL migration 15, frozen: room on each task page for the task's own updates (issue 16), expand-only.
// A task row is updated at least twice after its insert: when its first step is claimed (started_at) and when it
// finishes (state, counters, completed_at). The first changes no indexed column, so it can be a HOT update (no new
// entry in any of the table's twelve indexes) if the new row version fits on the same page; with fillfactor 80 a
// page filled by a burst of new tasks had room for few of them (5,000 one-step tasks: 1,142 of 10,000 updates HOT).
// With 50, every start is HOT (4,994), and a one-step task writes 13% fewer WAL bytes (5,053 -> 4,383) for about
// 10% less PostgreSQL CPU per task (bench/micro/pg-cost.mjs flat 5000 500, with PG_COST_SQL, before this migration
// existed). The price: finished tasks at rest fill their pages about half, not four fifths (by that ratio, a table of
// kept history may take up to 1.6x the pages after VACUUM). Applies to pages written from now on.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0015 = (n: SchemaNames): string[] => [`ALTER TABLE ${n.q}.tasks SET (fillfactor = 50)`];
