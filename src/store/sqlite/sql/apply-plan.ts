// applyPlan on SQLite: a deferred planning hook's result applied once to a task created with `needs_plan` (the first
// worker to plan wins), the hook's step settings written to steps that have not run. Skips: operate.ts closeStep.

/** Task ? is planned; changes nothing when another worker planned it first. */
export const markPlanned = 'UPDATE tasks SET needs_plan = 0 WHERE task_id = ? AND needs_plan = 1';

/** The planning hook's settings for a step that has not run yet: retry limit, retryable, timeout, task id, name. */
export const planStep = `UPDATE steps SET retry_limit = ?, retryable = ?, timeout_ms = ? WHERE task_id = ? AND name = ?
               AND (state = 'pending' OR state = 'running')`;
