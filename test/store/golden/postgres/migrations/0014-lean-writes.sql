-- 14: lean writes: steps fillfactor, partial tag index

-- statement 1 of 3
ALTER TABLE "tasker".steps SET (fillfactor = 80);

-- statement 2 of 3
CREATE INDEX tasks_tagged_idx ON "tasker".tasks USING gin (tags) WHERE cardinality(tags) > 0;

-- statement 3 of 3
DROP INDEX "tasker".tasks_tags_idx;
