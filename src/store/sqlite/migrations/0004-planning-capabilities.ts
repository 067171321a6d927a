// SQLite migration 4, frozen: deferred planning and worker capabilities. needs_plan: the task handler's planning hook
// has not run yet (the submitter lacked the handlers); the first worker that claims a step of the task runs it.
// capabilities: the template keys a worker can run (JSON array; NULL for workers of older releases, which take
// anything); lease_ms: how long it may go unseen and still count as live. Columns only: older code keeps working on
// the upgraded file.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0004 = `
      ALTER TABLE tasks ADD COLUMN needs_plan INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE workers ADD COLUMN capabilities TEXT;
      ALTER TABLE workers ADD COLUMN lease_ms INTEGER;
    `;
