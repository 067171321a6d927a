-- 2: one index for running steps

      DROP INDEX steps_lease_idx;
      DROP INDEX steps_holder_idx;
      CREATE INDEX steps_running_idx ON steps (lease_expires_at, locked_by) WHERE state = 'running';
    
