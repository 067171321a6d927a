// SQLite migration 14, frozen: dynamic workflows (issue 15). Columns, one table and one trigger; older code keeps
// working on the upgraded file (its templates declare no dynamic step).
// - steps.wait_kind: why a parked step waits without a worker ('signal', 'timer', 'subtask', 'map'), set when it is
//   parked; steps.wait_key: the wait it parked for (`run:attempt`); steps.wait_until: when that wait times out or its
//   timer fires (epoch ms; NULL: no deadline).
// - steps.map_of / map_index: an instance of a mapped step (the parent step's id and the item's index);
//   steps.map_size: on the mapped step, how many instances it was expanded into (NULL until expanded).
// - tasks.parent_task_id / parent_step_id: a sub-workflow's parent task and the parent's step waiting for it.
// - signals: signals sent to tasks, kept until a waiting step consumes them; signal_key is the sender's `signal_id`,
//   unique per task and name, so a repeated signal is delivered once.
// - tasks_wake_parent_step: when a sub-workflow finishes, its parent's waiting step becomes claimable (NULL ready_at
//   in a paused parent), in the transaction that finished the child, whatever path finished it.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0014 = `
      ALTER TABLE steps ADD COLUMN wait_kind TEXT;
      ALTER TABLE steps ADD COLUMN wait_key TEXT;
      ALTER TABLE steps ADD COLUMN wait_until INTEGER;
      ALTER TABLE steps ADD COLUMN map_of INTEGER;
      ALTER TABLE steps ADD COLUMN map_index INTEGER;
      ALTER TABLE steps ADD COLUMN map_size INTEGER;
      CREATE INDEX steps_map_idx ON steps (map_of, map_index) WHERE map_of IS NOT NULL;
      ALTER TABLE tasks ADD COLUMN parent_task_id INTEGER;
      ALTER TABLE tasks ADD COLUMN parent_step_id INTEGER;
      CREATE INDEX tasks_parent_idx ON tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
      CREATE TABLE signals (
        id               INTEGER PRIMARY KEY,
        task_id          INTEGER NOT NULL REFERENCES tasks (task_id),
        name             TEXT    NOT NULL,
        signal_key       TEXT,
        payload          TEXT    NOT NULL,
        actor            TEXT,
        received_at      INTEGER NOT NULL,
        consumed_step_id INTEGER,
        consumed_run     INTEGER,
        consumed_at      INTEGER
      );
      CREATE INDEX signals_task_idx ON signals (task_id, name, id);
      CREATE UNIQUE INDEX signals_key_idx ON signals (task_id, name, signal_key) WHERE signal_key IS NOT NULL;
      CREATE TRIGGER tasks_wake_parent_step AFTER UPDATE OF state ON tasks
        WHEN NEW.parent_step_id IS NOT NULL AND OLD.state <> NEW.state
         AND NEW.state IN ('completed', 'failed', 'cancelled', 'resolved_manually')
      BEGIN
        UPDATE steps
           SET ready_at = CASE WHEN (SELECT p.paused FROM tasks p WHERE p.task_id = steps.task_id) <> 0 THEN NULL
                               ELSE coalesce(NEW.completed_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)) END
         WHERE step_id = NEW.parent_step_id AND state IN ('pending', 'retrying') AND wait_kind = 'subtask';
      END;
    `;
