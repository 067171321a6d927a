-- 5: task trace context

      ALTER TABLE tasks ADD COLUMN trace_context TEXT;
    
