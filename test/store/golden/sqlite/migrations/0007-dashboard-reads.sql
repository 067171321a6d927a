-- 7: dashboard reads: list search and activity indexes

      CREATE INDEX tasks_correlation_idx ON tasks (correlation_id);
      CREATE INDEX transitions_task_end_idx ON transitions (at, to_state, task_id) WHERE step_id IS NULL;
      CREATE INDEX transitions_retry_idx ON transitions (at) WHERE to_state = 'retrying';
    
