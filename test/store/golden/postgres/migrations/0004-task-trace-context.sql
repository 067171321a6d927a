-- 4: task trace context

-- statement 1 of 1
ALTER TABLE "tasker".tasks ADD COLUMN trace_context text;
