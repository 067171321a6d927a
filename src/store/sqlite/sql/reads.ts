// The SQLite store's reads (../reads.ts): a task row, whether some live worker can run its template, its steps,
// contexts, step snapshots, history, unfinished tasks, the next retry time and whether anything is claimable.

/** Task ?'s row without its context. */
export const taskRow = `
    SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key,
           correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps, needs_plan,
           run, priority, run_at, waiting_for, paused, scheduled_for, parent_task_id, parent_step_id
      FROM tasks WHERE task_id = ?`;

/**
 * Whether some live worker (seen within its lease before now, 30 s when it did not say) can run the template of
 * task ? (second); a worker without capabilities runs anything. Row: ok.
 */
export const taskRunnable = `
    SELECT EXISTS (SELECT 1 FROM workers w
                    WHERE w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)
                      AND (w.capabilities IS NULL
                           OR EXISTS (SELECT 1 FROM json_each(w.capabilities) c
                                       WHERE c.value = t.namespace || '/' || t.name || '@' || t.version))) AS ok
      FROM tasks t WHERE t.task_id = ?`;

/** What handlers see of task ?, and the submission's trace context. */
export const taskContext =
  'SELECT context, initiator, source_system, reason, tags, trace_context, scheduled_for FROM tasks WHERE task_id = ?';

/** Step of task ? named ?, every column. */
export const stepByName = 'SELECT * FROM steps WHERE task_id = ? AND name = ?';

/** Steps of task ? in id order, every column. */
export const stepsOfTask = 'SELECT * FROM steps WHERE task_id = ? ORDER BY step_id';

/**
 * History of task ?, oldest first. `run` is each row's run: the latest run stored at or before it (only a rerun's rows
 * store one, and runs only grow, so a running max), else 1.
 */
export const historyOfTask = `
    SELECT tr.id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at, tr.reason,
           tr.attempt, tr.actor, tr.error, tr.results,
           coalesce(max(tr.run) OVER (ORDER BY tr.id ROWS UNBOUNDED PRECEDING), 1) AS run
      FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? ORDER BY tr.id`;

/** History of task ?'s step ?, oldest first, each row with its run (as historyOfTask, over the task's rows). */
export const historyOfStep = `
    SELECT * FROM (${historyOfTask}) h WHERE h.step_id = ? ORDER BY h.id`;

/** Up to ? unfinished tasks (NULL = all), oldest first. */
export const unfinishedTaskIds =
  "SELECT task_id FROM tasks WHERE state IN ('pending', 'running') ORDER BY task_id LIMIT ?";

/** When the next retry after now (?) is due, or NULL. Row: at. */
export const nextRetryAt = `
    SELECT MIN(at) AS at FROM (
      SELECT MIN(ready_at) AS at FROM steps WHERE ready_at IS NOT NULL AND ready_at > ? AND rate_key IS NULL
      UNION ALL
      SELECT MIN(ready_at) FROM steps WHERE ready_at IS NOT NULL AND ready_at > ? AND rate_key IS NOT NULL)`;

/** Whether some step is claimable at now (?). Row: ok, or none. */
export const anyReady =
  'SELECT 1 AS ok FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL LIMIT 1';

/** Whether a rate-limited step is ready at ? (the rate claim's candidates, on steps_rate_ready_idx). */
export const anyRateReady =
  'SELECT 1 AS ok FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL LIMIT 1';
