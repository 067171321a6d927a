-- 6: dashboard reads: list search and activity indexes

-- statement 1 of 5
CREATE INDEX tasks_tags_idx ON "tasker".tasks USING gin (tags);

-- statement 2 of 5
CREATE INDEX tasks_correlation_prefix_idx ON "tasker".tasks (correlation_id text_pattern_ops);

-- statement 3 of 5
CREATE INDEX tasks_idempotency_prefix_idx ON "tasker".tasks (idempotency_key text_pattern_ops)
    WHERE idempotency_key IS NOT NULL;

-- statement 4 of 5
CREATE INDEX transitions_task_end_idx ON "tasker".transitions (at, to_state, task_id)
    WHERE step_id IS NULL AND to_state IN ('completed', 'failed');

-- statement 5 of 5
CREATE INDEX transitions_retry_idx ON "tasker".transitions (at) WHERE to_state = 'retrying';
