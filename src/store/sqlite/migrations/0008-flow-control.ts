// SQLite migration 8, frozen: flow control (issue 14, part 1). Columns, one index swap and one table: older code
// keeps working on the upgraded file.
// - tasks.priority / steps.priority: the claim priority (-1000..1000, higher first), copied to the steps at creation
//   so the claim index orders by it; steps_claim_idx (priority DESC, ready_at, step_id) replaces steps_ready_idx (one
//   claim index: two would double the index writes of every step transition).
// - tasks.run_at: a delayed start; tasks.waiting_for: why an unfinished task does not progress (delay, paused, later
//   concurrency and rate_limit); tasks.paused: who holds it, bit 1 the task's own pause, bit 2 its template's or
//   namespace's. A held task's ready steps keep ready_at NULL, so they stay out of the claim index.
//   tasks_delayed_idx holds only the tasks waiting for their run_at.
// - paused_templates: paused templates (name) and namespaces (name ''), read by every task creation.
// Number 8: 7 shipped with the dashboard reads; the numbers after it are reserved by parallel work of this release.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0008 = `
      ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN run_at INTEGER;
      ALTER TABLE tasks ADD COLUMN waiting_for TEXT;
      ALTER TABLE tasks ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE steps ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
      DROP INDEX steps_ready_idx;
      CREATE INDEX steps_claim_idx ON steps (priority DESC, ready_at, step_id) WHERE ready_at IS NOT NULL;
      CREATE INDEX tasks_delayed_idx ON tasks (run_at) WHERE waiting_for = 'delay';
      CREATE TABLE paused_templates (
        namespace TEXT    NOT NULL,
        name      TEXT    NOT NULL DEFAULT '',
        paused_at INTEGER NOT NULL,
        actor     TEXT,
        reason    TEXT,
        PRIMARY KEY (namespace, name)
      ) WITHOUT ROWID;
    `;
