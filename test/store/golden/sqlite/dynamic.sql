-- parkStep
UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                wait_kind = ?, locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?;

-- stepWait
SELECT state, locked_by, attempts, wait_key, wait_until FROM steps WHERE step_id = ?;

-- setStepWait
UPDATE steps SET wait_key = ?, wait_until = ? WHERE step_id = ?;

-- takeableSignal

    SELECT id, payload, received_at FROM signals
     WHERE task_id = ? AND name = ?
       AND (consumed_step_id IS NULL OR (consumed_step_id = ? AND consumed_run = ?))
     ORDER BY consumed_step_id IS NULL, id LIMIT 1;

-- consumeSignal
UPDATE signals SET consumed_step_id = ?, consumed_run = ?, consumed_at = coalesce(consumed_at, ?)
     WHERE id = ?;

-- unconsumedSignal
SELECT 1 FROM signals WHERE task_id = ? AND name = ? AND consumed_step_id IS NULL LIMIT 1;

-- insertSignal

    INSERT INTO signals (task_id, name, signal_key, payload, actor, received_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (task_id, name, signal_key) WHERE signal_key IS NOT NULL DO NOTHING RETURNING id;

-- signalByKey
SELECT id FROM signals WHERE task_id = ? AND name = ? AND signal_key = ?;

-- wakeSignalWaits

    UPDATE steps SET ready_at = ?, next_attempt_at = CASE WHEN state = 'retrying' THEN ? ELSE next_attempt_at END
     WHERE task_id = ? AND name IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'retrying')
       AND unmet = 0 AND wait_kind = 'signal';

-- taskStateForSignal
SELECT state, paused FROM tasks WHERE task_id = ?;

-- setTaskParent
UPDATE tasks SET parent_task_id = ?, parent_step_id = ? WHERE task_id = ?;

-- childTasks

    SELECT task_id, parent_step_id, namespace, name, version, state FROM tasks WHERE parent_task_id = ? ORDER BY task_id;

-- listSignals

    SELECT id, task_id, name, signal_key, payload, actor, received_at, consumed_step_id, consumed_at
      FROM signals WHERE task_id = ? ORDER BY id;

-- taskFinished
SELECT state FROM tasks WHERE task_id = ?;
