// Concurrency limits on SQLite (../gates.ts): slot groups (concurrency_groups), the gate columns of tasks and steps
// (gate: NULL none, 0 no slot, 1 queued for one, 2 holds one) and the queues of waiting work, by priority then age.
// Every statement runs inside the caller's write transaction: one writer at a time, so slots are never oversold.

/** A slot group with its newest limit: key, limit (created, or its limit updated). */
export const upsertGroup = `
    INSERT INTO concurrency_groups (group_key, max_running) VALUES (?, ?)
    ON CONFLICT (group_key) DO UPDATE SET max_running = excluded.max_running`;

/** Free slots of group ?. Row: free (NULL when the group does not exist). */
export const groupFree = 'SELECT max_running - running AS free FROM concurrency_groups WHERE group_key = ?';

/** Slots held by group (second) change by (first): released (negative) or taken; never below 0. */
export const groupTake = 'UPDATE concurrency_groups SET running = max(0, running + ?) WHERE group_key = ?';

/** Task ?'s gate columns and what decides them. Row: state, paused, waiting_for, gates, gate_key, gate. */
export const gateTask = 'SELECT state, paused, waiting_for, gates, gate_key, gate FROM tasks WHERE task_id = ?';

/** Task (third) gets gate (first) and waiting_for (second). */
export const setTaskGate = 'UPDATE tasks SET gate = ?, waiting_for = ? WHERE task_id = ?';

/** Steps of task ? that have a concurrency limit. Rows: step_id, state, unmet, gate, gate_key, ready_at. */
export const gateSteps = `
    SELECT step_id, state, unmet, gate, gate_key, ready_at FROM steps WHERE task_id = ? AND gate_key IS NOT NULL`;

/** Step (third) gets gate (first) and ready_at (second). */
export const setStepGate = 'UPDATE steps SET gate = ?, ready_at = ? WHERE step_id = ?';

/** Hold the ready steps of task ? (it queues for its slot). */
export const holdTaskSteps = 'UPDATE steps SET ready_at = NULL WHERE task_id = ? AND ready_at IS NOT NULL';

/** Up to ? (second) queued tasks of group (first), by priority then age. Rows: task_id, state. */
export const queuedTasks = `
    SELECT task_id, state FROM tasks WHERE gate_key = ? AND gate = 1 ORDER BY priority DESC, task_id LIMIT ?`;

/**
 * The held ready steps of an admitted task (?): those without a limit, or holding their slot, become claimable at now
 * (first ?); the others queue for their slot. Rows: gate_key, gate (after).
 */
export const releaseAdmitted = `
    UPDATE steps SET ready_at = CASE WHEN gate_key IS NULL OR gate = 2 THEN ? END,
                     gate = CASE WHEN gate_key IS NULL OR gate = 2 THEN gate ELSE 1 END
     WHERE task_id = ? AND ready_at IS NULL AND ((state = 'pending' AND unmet = 0) OR state = 'retrying')
    RETURNING gate_key, gate`;

/**
 * Up to ? (second) queued steps of group (first) whose task may run (not paused, holding its own slot if it needs
 * one), by priority then age. Rows: step_id.
 */
export const queuedSteps = `
    SELECT s.step_id FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
     WHERE s.gate_key = ? AND s.gate = 1 AND t.paused = 0 AND t.waiting_for IS NULL
     ORDER BY s.priority DESC, s.step_id LIMIT ?`;

/** Every slot group with its queued tasks and steps. Rows: group_key, max_running, running, waiting. */
export const listGroups = `
    SELECT g.group_key, g.max_running, g.running,
           (SELECT count(*) FROM tasks t WHERE t.gate_key = g.group_key AND t.gate = 1)
           + (SELECT count(*) FROM steps s WHERE s.gate_key = g.group_key AND s.gate = 1) AS waiting
      FROM concurrency_groups g ORDER BY g.group_key`;
