// SQL of dynamic workflows on SQLite: parking a step with no handler, the wait it parked for, signals (stored,
// consumed, listed) and waking the steps parked for a signal. Times are epoch ms bound by the caller.

/** Park a held step: state (pending or retrying), ready at, next attempt at, wait kind, step id. Uncounted. */
export const parkStep = `UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                wait_kind = ?, locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`;

/** The wait a step parked for: step id. */
export const stepWait = `SELECT state, locked_by, attempts, wait_key, wait_until FROM steps WHERE step_id = ?`;

/** Start a new wait: key (`run:attempt`), until (NULL: no deadline), step id. */
export const setStepWait = `UPDATE steps SET wait_key = ?, wait_until = ? WHERE step_id = ?`;

/**
 * The signal a waiting step takes: task id, name, step id, run. One it took before (its attempt was cut short)
 * first, else the oldest not consumed.
 */
export const takeableSignal = `
    SELECT id, payload, received_at FROM signals
     WHERE task_id = ? AND name = ?
       AND (consumed_step_id IS NULL OR (consumed_step_id = ? AND consumed_run = ?))
     ORDER BY consumed_step_id IS NULL, id LIMIT 1`;

/** Mark a signal consumed: step id, run, now, signal id. */
export const consumeSignal = `UPDATE signals SET consumed_step_id = ?, consumed_run = ?, consumed_at = coalesce(consumed_at, ?)
     WHERE id = ?`;

/** Whether a signal of this name waits for a step: task id, name. */
export const unconsumedSignal = `SELECT 1 FROM signals WHERE task_id = ? AND name = ? AND consumed_step_id IS NULL LIMIT 1`;

/** Store a signal: task id, name, key, payload, actor, now. Nothing when the key was sent before. */
export const insertSignal = `
    INSERT INTO signals (task_id, name, signal_key, payload, actor, received_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (task_id, name, signal_key) WHERE signal_key IS NOT NULL DO NOTHING RETURNING id`;

/** The signal sent before with this key: task id, name, key. */
export const signalByKey = `SELECT id FROM signals WHERE task_id = ? AND name = ? AND signal_key = ?`;

/**
 * Wake the steps of a task parked for a signal (or backing off after its wait timed out): now (NULL in a paused
 * task), task id, JSON array of step names.
 */
export const wakeSignalWaits = `
    UPDATE steps SET ready_at = ?, next_attempt_at = CASE WHEN state = 'retrying' THEN ? ELSE next_attempt_at END
     WHERE task_id = ? AND name IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'retrying')
       AND unmet = 0 AND wait_kind = 'signal'`;

/** A task's state and pause bits: task id. */
export const taskStateForSignal = `SELECT state, paused FROM tasks WHERE task_id = ?`;

/** Link a new sub-workflow to its parent: parent task id, parent step id, task id. */
export const setTaskParent = `UPDATE tasks SET parent_task_id = ?, parent_step_id = ? WHERE task_id = ?`;

/** A task's sub-workflows, oldest first: parent task id. */
export const childTasks = `
    SELECT task_id, parent_step_id, namespace, name, version, state FROM tasks WHERE parent_task_id = ? ORDER BY task_id`;

/** A task's signals, oldest first: task id. */
export const listSignals = `
    SELECT id, task_id, name, signal_key, payload, actor, received_at, consumed_step_id, consumed_at
      FROM signals WHERE task_id = ? ORDER BY id`;

/** Whether a task has finished: task id. */
export const taskFinished = `SELECT state FROM tasks WHERE task_id = ?`;
