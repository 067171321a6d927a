// PostgreSQL migration 14, frozen: fewer bytes written per transition (issue 16), expand-only (no column, no
// function; every statement of earlier releases keeps working).
// - fillfactor 80 on steps (tasks have it since migration 2): a step row is updated at least twice after its insert
//   (claim, completion). With room left on its page the new row version stays there and needs no extra lock record
//   for moving to another page (2,000 one-step tasks: 4,421 step lock records instead of 5,463). Applies to pages
//   written from now on.
// - tasks_tags_idx becomes partial (tasks that have tags): a task without tags wrote an entry into the GIN pending
//   list on its insert and on each non-HOT update, about 400 bytes of WAL per one-step task, for a filter that can
//   never match it. The task list's tag filter names the predicate (sql/list-tasks.ts) so the planner can use it;
//   an earlier release's list filters by tag without the index (a scan) until it is upgraded.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0014 = (n: SchemaNames): string[] => [
  `ALTER TABLE ${n.q}.steps SET (fillfactor = 80)`,
  `CREATE INDEX tasks_tagged_idx ON ${n.q}.tasks USING gin (tags) WHERE cardinality(tags) > 0`,
  `DROP INDEX ${n.q}.tasks_tags_idx`,
];
