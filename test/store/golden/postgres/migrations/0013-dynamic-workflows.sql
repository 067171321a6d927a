-- 13: dynamic workflows: waits, signals, sub-workflows, maps

-- statement 1 of 15
ALTER TABLE "tasker".steps ADD COLUMN wait_kind text;

-- statement 2 of 15
ALTER TABLE "tasker".steps ADD COLUMN wait_key text;

-- statement 3 of 15
ALTER TABLE "tasker".steps ADD COLUMN wait_until timestamptz;

-- statement 4 of 15
ALTER TABLE "tasker".steps ADD COLUMN map_of bigint;

-- statement 5 of 15
ALTER TABLE "tasker".steps ADD COLUMN map_index integer;

-- statement 6 of 15
ALTER TABLE "tasker".steps ADD COLUMN map_size integer;

-- statement 7 of 15
CREATE INDEX steps_map_idx ON "tasker".steps (map_of, map_index) WHERE map_of IS NOT NULL;

-- statement 8 of 15
ALTER TABLE "tasker".tasks ADD COLUMN parent_task_id bigint;

-- statement 9 of 15
ALTER TABLE "tasker".tasks ADD COLUMN parent_step_id bigint;

-- statement 10 of 15
CREATE INDEX tasks_parent_idx ON "tasker".tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;

-- statement 11 of 15
CREATE TABLE "tasker".signals (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES "tasker".tasks (task_id),
      name text NOT NULL,
      signal_key text,
      payload jsonb NOT NULL,
      actor text,
      received_at timestamptz NOT NULL,
      consumed_step_id bigint,
      consumed_run integer,
      consumed_at timestamptz
    );

-- statement 12 of 15
CREATE INDEX signals_task_idx ON "tasker".signals (task_id, name, id);

-- statement 13 of 15
CREATE UNIQUE INDEX signals_key_idx ON "tasker".signals (task_id, name, signal_key) WHERE signal_key IS NOT NULL;

-- statement 14 of 15

CREATE FUNCTION "tasker".wake_parent_step_v1() RETURNS trigger LANGUAGE plpgsql AS $tasker$
BEGIN
  UPDATE "tasker".steps s
     SET ready_at = CASE WHEN t.paused <> 0 THEN NULL ELSE date_trunc('milliseconds', now()) END
    FROM "tasker".tasks t
   WHERE s.step_id = NEW.parent_step_id AND t.task_id = s.task_id
     AND s.state IN ('pending', 'retrying') AND s.wait_kind = 'subtask';
  IF FOUND THEN
    PERFORM pg_notify('tasker_ready_tasker', '');
  END IF;
  RETURN NULL;
END
$tasker$;

-- statement 15 of 15
CREATE TRIGGER tasks_wake_parent_step AFTER UPDATE OF state ON "tasker".tasks FOR EACH ROW
     WHEN (NEW.parent_step_id IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state
           AND NEW.state IN ('completed', 'failed', 'cancelled', 'resolved_manually'))
     EXECUTE FUNCTION "tasker".wake_parent_step_v1();
