// PostgreSQL migration 13, frozen: dynamic workflows (issue 15), expand-only (workers of the previous release never
// see a dynamic step: their templates declare none, and they never claim a task of a template they lack).
// - steps.wait_kind: why a parked step waits without a worker ('signal', 'timer', 'subtask', 'map'), set when it is
//   parked; steps.wait_key: the wait it parked for (`run:attempt`), so a wake-up can tell its own wait from a new
//   one; steps.wait_until: when that wait times out or its timer fires (NULL: no deadline).
// - steps.map_of / map_index: an instance of a mapped step (the parent step's id and the item's index);
//   steps.map_size: on the mapped step, how many instances it was expanded into (NULL until expanded).
// - tasks.parent_task_id / parent_step_id: a sub-workflow's parent task and the parent's step waiting for it.
// - signals: signals sent to tasks, kept until a waiting step consumes them (consumed_step_id, consumed_run: a step
//   that consumed one takes the same one again if its attempt is retried after a crash); signal_key is the sender's
//   `signal_id`, unique per task and name, so a repeated signal is delivered once.
// - wake_parent_step_v1: when a sub-workflow finishes, its parent's waiting step becomes claimable (NULL ready_at in
//   a paused parent) and workers are told, in the transaction that finished the child, whatever path finished it.
//
// Shipped SQL: never edit it; a change is a new numbered migration with a new function name. Only the schema name
// and its NOTIFY channel are substituted.
import type { SchemaNames } from '../sql.js';

export const migration0013 = (n: SchemaNames): string[] => [
  `ALTER TABLE ${n.q}.steps ADD COLUMN wait_kind text`,
  `ALTER TABLE ${n.q}.steps ADD COLUMN wait_key text`,
  `ALTER TABLE ${n.q}.steps ADD COLUMN wait_until timestamptz`,
  `ALTER TABLE ${n.q}.steps ADD COLUMN map_of bigint`,
  `ALTER TABLE ${n.q}.steps ADD COLUMN map_index integer`,
  `ALTER TABLE ${n.q}.steps ADD COLUMN map_size integer`,
  `CREATE INDEX steps_map_idx ON ${n.q}.steps (map_of, map_index) WHERE map_of IS NOT NULL`,
  `ALTER TABLE ${n.q}.tasks ADD COLUMN parent_task_id bigint`,
  `ALTER TABLE ${n.q}.tasks ADD COLUMN parent_step_id bigint`,
  `CREATE INDEX tasks_parent_idx ON ${n.q}.tasks (parent_task_id) WHERE parent_task_id IS NOT NULL`,
  `CREATE TABLE ${n.q}.signals (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES ${n.q}.tasks (task_id),
      name text NOT NULL,
      signal_key text,
      payload jsonb NOT NULL,
      actor text,
      received_at timestamptz NOT NULL,
      consumed_step_id bigint,
      consumed_run integer,
      consumed_at timestamptz
    )`,
  `CREATE INDEX signals_task_idx ON ${n.q}.signals (task_id, name, id)`,
  `CREATE UNIQUE INDEX signals_key_idx ON ${n.q}.signals (task_id, name, signal_key) WHERE signal_key IS NOT NULL`,
  `
CREATE FUNCTION ${n.q}.wake_parent_step_v1() RETURNS trigger LANGUAGE plpgsql AS $tasker$
BEGIN
  UPDATE ${n.q}.steps s
     SET ready_at = CASE WHEN t.paused <> 0 THEN NULL ELSE date_trunc('milliseconds', now()) END
    FROM ${n.q}.tasks t
   WHERE s.step_id = NEW.parent_step_id AND t.task_id = s.task_id
     AND s.state IN ('pending', 'retrying') AND s.wait_kind = 'subtask';
  IF FOUND THEN
    PERFORM pg_notify('${n.channel}', '');
  END IF;
  RETURN NULL;
END
$tasker$`,
  `CREATE TRIGGER tasks_wake_parent_step AFTER UPDATE OF state ON ${n.q}.tasks FOR EACH ROW
     WHEN (NEW.parent_step_id IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state
           AND NEW.state IN ('completed', 'failed', 'cancelled', 'resolved_manually'))
     EXECUTE FUNCTION ${n.q}.wake_parent_step_v1()`,
];
