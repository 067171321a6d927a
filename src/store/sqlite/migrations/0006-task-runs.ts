// SQLite migration 6, frozen: task runs (rerun from a step). tasks.run counts the task's runs (1 from creation);
// transitions.run is stored only on the rows a rerun writes (NULL on every other row, so claims and completions
// write nothing more: a row's run is the latest run stored at or before it, else 1); transitions.results keeps the
// results a step had before a rerun reset it; transitions_run_idx holds only the rows with a run (a partial index:
// ordinary rows add no entry), so a reader finds the run of any row by id with one probe. Expand-only: older code
// keeps working on the upgraded file.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0006 = `
      ALTER TABLE tasks ADD COLUMN run INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE transitions ADD COLUMN run INTEGER;
      ALTER TABLE transitions ADD COLUMN results TEXT;
      CREATE INDEX transitions_run_idx ON transitions (task_id, id, run) WHERE run IS NOT NULL;
    `;
