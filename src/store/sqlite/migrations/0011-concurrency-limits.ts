// SQLite migration 11, frozen: concurrency limits (issue 14, part 2). Columns, two partial indexes and one table:
// older code keeps working on the upgraded file.
// - concurrency_groups: one row per slot group (`task:<namespace>/<name>:<key values>` for a template's per-key task
//   limit, `step:<namespace>/<name>/<step>[:<key values>]` for a step limit), its limit (max_running, the newest
//   declaration) and the slots held (running); changed only inside write transactions (one writer at a time).
// - tasks.gate_key / steps.gate_key: the group; gate: NULL none, 0 no slot, 1 queued for one, 2 holds one;
//   tasks.gates: the task or one of its steps has a limit. Queued work keeps ready_at NULL (out of the claim index);
//   tasks_gate_wait_idx / steps_gate_wait_idx hold only the queued rows, by priority then age.
// Number 11: 9 and 10 are reserved by parallel work of the same release.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0011 = `
      CREATE TABLE concurrency_groups (
        group_key   TEXT    PRIMARY KEY,
        max_running INTEGER NOT NULL CHECK (max_running >= 1),
        running     INTEGER NOT NULL DEFAULT 0 CHECK (running >= 0)
      ) WITHOUT ROWID;
      ALTER TABLE tasks ADD COLUMN gates INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tasks ADD COLUMN gate_key TEXT;
      ALTER TABLE tasks ADD COLUMN gate INTEGER;
      ALTER TABLE steps ADD COLUMN gate_key TEXT;
      ALTER TABLE steps ADD COLUMN gate INTEGER;
      CREATE INDEX tasks_gate_wait_idx ON tasks (gate_key, priority DESC, task_id) WHERE gate = 1;
      CREATE INDEX steps_gate_wait_idx ON steps (gate_key, priority DESC, step_id) WHERE gate = 1;
    `;
