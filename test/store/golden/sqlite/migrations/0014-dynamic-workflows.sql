-- 14: dynamic workflows: waits, signals, sub-workflows, maps

      ALTER TABLE steps ADD COLUMN wait_kind TEXT;
      ALTER TABLE steps ADD COLUMN wait_key TEXT;
      ALTER TABLE steps ADD COLUMN wait_until INTEGER;
      ALTER TABLE steps ADD COLUMN map_of INTEGER;
      ALTER TABLE steps ADD COLUMN map_index INTEGER;
      ALTER TABLE steps ADD COLUMN map_size INTEGER;
      CREATE INDEX steps_map_idx ON steps (map_of, map_index) WHERE map_of IS NOT NULL;
      ALTER TABLE tasks ADD COLUMN parent_task_id INTEGER;
      ALTER TABLE tasks ADD COLUMN parent_step_id INTEGER;
      CREATE INDEX tasks_parent_idx ON tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
      CREATE TABLE signals (
        id               INTEGER PRIMARY KEY,
        task_id          INTEGER NOT NULL REFERENCES tasks (task_id),
        name             TEXT    NOT NULL,
        signal_key       TEXT,
        payload          TEXT    NOT NULL,
        actor            TEXT,
        received_at      INTEGER NOT NULL,
        consumed_step_id INTEGER,
        consumed_run     INTEGER,
        consumed_at      INTEGER
      );
      CREATE INDEX signals_task_idx ON signals (task_id, name, id);
      CREATE UNIQUE INDEX signals_key_idx ON signals (task_id, name, signal_key) WHERE signal_key IS NOT NULL;
      CREATE TRIGGER tasks_wake_parent_step AFTER UPDATE OF state ON tasks
        WHEN NEW.parent_step_id IS NOT NULL AND OLD.state <> NEW.state
         AND NEW.state IN ('completed', 'failed', 'cancelled', 'resolved_manually')
      BEGIN
        UPDATE steps
           SET ready_at = CASE WHEN (SELECT p.paused FROM tasks p WHERE p.task_id = steps.task_id) <> 0 THEN NULL
                               ELSE coalesce(NEW.completed_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) END
         WHERE step_id = NEW.parent_step_id AND state IN ('pending', 'retrying') AND wait_kind = 'subtask';
      END;
    
