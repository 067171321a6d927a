// SQLite migration 9, frozen: cron schedules (issue 14), expand-only (new tables and a nullable column; older code
// keeps working on the upgraded file).
// - schedules: one row per schedule (namespace, template name, schedule name), holding the definition of the newest
//   template version that declares it (`version`, `declared` 0 once that version dropped it), whether it is paused
//   (by whom, when; `resumed_at` bounds which ticks fell while paused) and its last tick.
// - schedule_ticks: one row per tick that created a task. Its primary key (schedule_id, tick_at) is what makes a tick
//   create exactly one task however many processes tick; no foreign key to tasks, so pruning a task keeps its tick.
// - tasks.scheduled_for: the tick a task was created for (or when a schedule was triggered by hand); NULL otherwise.
// Numbers 8, 11 and 12 were reserved by parallel work of the same release, 10 too.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0009 = `
      CREATE TABLE schedules (
        schedule_id   INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace     TEXT    NOT NULL,
        template_name TEXT    NOT NULL,
        schedule_name TEXT    NOT NULL,
        version       TEXT    NOT NULL,
        declared      INTEGER NOT NULL DEFAULT 1,
        cron          TEXT    NOT NULL,
        timezone      TEXT    NOT NULL,
        catch_up      TEXT    NOT NULL CHECK (catch_up = 'none' OR catch_up = 'latest' OR catch_up = 'all'),
        enabled       INTEGER NOT NULL,
        context       TEXT    NOT NULL,
        paused        INTEGER NOT NULL DEFAULT 0,
        paused_at     INTEGER,
        paused_by     TEXT,
        resumed_at    INTEGER,
        last_tick_at  INTEGER,
        last_task_id  INTEGER,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        UNIQUE (namespace, template_name, schedule_name)
      );
      CREATE TABLE schedule_ticks (
        schedule_id INTEGER NOT NULL REFERENCES schedules (schedule_id) ON DELETE CASCADE,
        tick_at     INTEGER NOT NULL,
        task_id     INTEGER,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (schedule_id, tick_at)
      ) WITHOUT ROWID;
      ALTER TABLE tasks ADD COLUMN scheduled_for INTEGER;
    `;
