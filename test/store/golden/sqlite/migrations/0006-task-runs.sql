-- 6: task runs (rerun from a step)

      ALTER TABLE tasks ADD COLUMN run INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE transitions ADD COLUMN run INTEGER;
      ALTER TABLE transitions ADD COLUMN results TEXT;
      CREATE INDEX transitions_run_idx ON transitions (task_id, id, run) WHERE run IS NOT NULL;
    
