-- 8: flow control: priorities, delayed starts, pauses

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
    
