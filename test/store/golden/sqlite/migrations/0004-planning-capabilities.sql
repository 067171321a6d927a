-- 4: deferred planning, worker capabilities

      ALTER TABLE tasks ADD COLUMN needs_plan INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE workers ADD COLUMN capabilities TEXT;
      ALTER TABLE workers ADD COLUMN lease_ms INTEGER;
    
