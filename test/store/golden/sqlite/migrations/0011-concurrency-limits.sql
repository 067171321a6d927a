-- 11: flow control: concurrency limits

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
    
