// claimSteps on SQLite, inside the caller's IMMEDIATE transaction: read the claimable steps (claimQuery, by priority
// then ready time), write the claimed rows' history before they change (insertClaimHistory), move them to running
// under a lease (claimSteps, or claimStep for one), stamp each task's first start (markTasksStarted /
// markTaskStarted) and move a task held back until now from pending to running (startHeldTask).
// A worker's capabilities live in a per-connection TEMP table the claim probes by primary key.

/**
 * What each worker claiming through this connection can run, one row per template (../claim.ts keeps it in step
 * with the claim's `templates`). A per-connection TEMP table: a claim probes its primary key per candidate
 * (~0.04 µs), where `IN (SELECT value FROM json_each(?))` cost ~2 µs per claim to set up plus the key concatenation
 * per row. Run once per connection (exec), before the statements are prepared.
 */
export const createCanRunTable = `CREATE TEMP TABLE IF NOT EXISTS tasker_can_run (
  worker_id TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (worker_id, namespace, name, version)) WITHOUT ROWID`;

/** Forget worker ?'s capabilities. */
export const clearCanRun = 'DELETE FROM temp.tasker_can_run WHERE worker_id = ?';

/** Worker ? can run template (namespace ?, name ?, version ?). */
export const insertCanRun =
  'INSERT OR IGNORE INTO temp.tasker_can_run (worker_id, namespace, name, version) VALUES (?, ?, ?, ?)';

// CROSS JOIN fixes the join order: walk the claim index in order (no sort), then look up each step's task.
// ../claim.ts reads the rows (arrays) in this column order. Parameters: now. The plain claim walks steps_claim_idx
// (steps without a rate limit); the rate claim steps_rate_ready_idx, and reads each step's bucket too (last column).
const claimSelect = (rated: boolean): string => `
  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan, s.ready_at, t.run,
         t.state AS task_state${rated ? ', s.rate_key' : ''}
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND s.rate_key IS ${rated ? 'NOT ' : ''}NULL
     AND (t.state = 'running' OR t.state = 'pending')`;
/** Parameter: the namespaces (JSON array). */
const IN_NAMESPACES = ' AND t.namespace IN (SELECT value FROM json_each(?))';
/** Parameter: the claiming worker (its rows of tasker_can_run). */
const CAN_RUN = ` AND EXISTS (SELECT 1 FROM temp.tasker_can_run c WHERE c.worker_id = ? AND c.namespace = t.namespace
                   AND c.name = t.name AND c.version = t.version)`;

/**
 * The claim query: claimable steps of unfinished tasks, by priority (higher first) then oldest first, with their
 * task's identity, optionally only in
 * some namespaces and only of templates the worker can run. Its LIMIT is written as a literal (SQLite runs
 * `LIMIT ?` about 20× slower than a literal limit on this index walk), so each (limit, filters) is its own prepared
 * statement. Parameters: now, then the namespaces (JSON array) when filtered, then the worker when filtered by
 * templates. Rows are arrays in claimSelect's column order. `rated`: the rate claim's
 * candidates (steps with a rate limit), with their bucket key as a last column.
 */
export function claimQuery(limit: number, withNamespaces: boolean, withTemplates: boolean, rated = false): string {
  const filters = `${withNamespaces ? IN_NAMESPACES : ''}${withTemplates ? CAN_RUN : ''}`;
  return `${claimSelect(rated)}${filters} ORDER BY s.priority DESC, s.ready_at, s.step_id LIMIT ${limit}`;
}

/** History of steps about to be claimed, read before their rows change: now, reason, actor, step ids (JSON, in order). */
export const insertClaimHistory = `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, s.state, 'running', ?, ?, s.attempts + 1, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key`;

/** One step to running: worker, lease expiry, now, step id. */
export const claimStep = `
    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id = ?`;

/** claimStep for many steps at once: worker, lease expiry, now, step ids (JSON array). */
export const claimSteps = `
    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id IN (SELECT value FROM json_each(?))`;

/** Task ? (second) started now (first), unless it started before. */
export const markTaskStarted = 'UPDATE tasks SET started_at = ? WHERE task_id = ? AND started_at IS NULL';

/** Task ?, held back until its first claim (pending), to running. */
export const startHeldTask =
  "UPDATE tasks SET state = 'running', waiting_for = NULL WHERE task_id = ? AND state = 'pending'";

/** Tasks (JSON array, second) started now (first), unless they started before. Rows: task_id of each started. */
export const markTasksStarted = `UPDATE tasks SET started_at = ?
     WHERE task_id IN (SELECT value FROM json_each(?)) AND started_at IS NULL
    RETURNING task_id`;
