// PostgreSQL migration 17, frozen: the completion function plans no sequential scan (issue 16), expand-only.
// Every statement in complete_steps_v7 reaches its rows by key (step ids, task ids, a parent's edges), but several
// look them up with `= ANY(array)` or a join. A plpgsql function caches its statements' plans for the life of the
// session, and the plan made while the tables looked small (a new schema: no statistics, under 10 pages assumed)
// scans `steps` or `tasks` in full, and it stays in use as the tables grow until autovacuum next analyses them. With
// `enable_seqscan = off` for the function's duration, the planner takes the index path for those statements whatever
// the statistics say (a table without a usable index would still be scanned; none of these has to be). Measured
// before this migration existed (bench/micro/pg-cost.mjs flat 10000 50, with PG_COST_SQL running this statement,
// alternated with runs without it): 3,460 / 3,471 -> 3,826 / 3,912 steps/s, PostgreSQL CPU 247 / 251 -> 222 / 216 us
// per task.
// Only the function's settings change, never its body or its results, so it keeps its name: a worker of the previous
// release calling v7 gets the same rows, by the same plans this release uses.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0017 = (n: SchemaNames): string[] => [
  `ALTER FUNCTION ${n.q}.complete_steps_v7(bigint[], bigint[], integer[], text[], jsonb[], jsonb[], float8[], integer[],
     text, bigint[], text[], bigint[], integer[], integer[], integer, integer, text[], text[])
   SET enable_seqscan = off`,
];
