// SQLite migration 7, frozen: indexes for the dashboard's reads (issue 13). tasks_correlation_idx: the task list's
// `q` search on the correlation id, exact or by prefix as a range (the idempotency key has its UNIQUE index).
// transitions_task_end_idx and transitions_retry_idx (partial): the stats of the last hour and day — tasks completed
// and failed, attempts retried — without reading the history table; only task rows and retry rows enter them, so a
// step's claim and completion write no extra index entry. Tags stay a JSON column, scanned (embedded scale).
// Number 7: 5 and 6 were reserved by parallel work of the same release.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0007 = `
      CREATE INDEX tasks_correlation_idx ON tasks (correlation_id);
      CREATE INDEX transitions_task_end_idx ON transitions (at, to_state, task_id) WHERE step_id IS NULL;
      CREATE INDEX transitions_retry_idx ON transitions (at) WHERE to_state = 'retrying';
    `;
