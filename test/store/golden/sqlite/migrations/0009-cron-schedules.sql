-- 9: cron schedules: schedules, ticks, tasks.scheduled_for

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
    
