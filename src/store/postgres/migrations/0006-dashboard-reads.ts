// PostgreSQL migration 6, frozen: indexes for the dashboard's reads (issue 13), expand-only (no column, no function).
// - tasks_tags_idx (GIN): the task list's `tag` filter (`tags @> $1`).
// - tasks_correlation_prefix_idx, tasks_idempotency_prefix_idx (text_pattern_ops): the task list's `q` search, exact
//   or by prefix, as a byte-order range (`~>=~` / `~<~`) that a generic plan can use whatever the collation.
// - transitions_task_end_idx, transitions_retry_idx (partial): the stats of the last hour and day (tasks completed
//   and failed, attempts retried, and the failed tasks' templates) read as index-only range scans; only the rows of
//   tasks ending and of retries enter them, so a step's claim and completion write no extra index entry.
// Number 6: 4 and 5 were reserved by parallel work of the same release.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0006 = (n: SchemaNames): string[] => [
  `CREATE INDEX tasks_tags_idx ON ${n.q}.tasks USING gin (tags)`,
  `CREATE INDEX tasks_correlation_prefix_idx ON ${n.q}.tasks (correlation_id text_pattern_ops)`,
  `CREATE INDEX tasks_idempotency_prefix_idx ON ${n.q}.tasks (idempotency_key text_pattern_ops)
    WHERE idempotency_key IS NOT NULL`,
  `CREATE INDEX transitions_task_end_idx ON ${n.q}.transitions (at, to_state, task_id)
    WHERE step_id IS NULL AND to_state IN ('completed', 'failed')`,
  `CREATE INDEX transitions_retry_idx ON ${n.q}.transitions (at) WHERE to_state = 'retrying'`,
];
