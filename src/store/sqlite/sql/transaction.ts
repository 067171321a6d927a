// The shared steps of the SQLite store's transactions (../tx.ts): history rows, release of children, per-task
// counters and finalisation (a task whose open steps reach 0 gets its final state in the same transaction).

/** A history row: task id, step id (NULL for the task), from, to, at, reason, attempt, actor, error (JSON). */
export const insertTransition = `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * One parent (step id, second) satisfied at now (first): each child's unmet drops by one; a pending child reaching 0
 * becomes claimable. Rows are arrays [task_id, unmet, state], like satisfyChildrenOf's.
 */
export const satisfyChildren = `
    UPDATE steps SET unmet = unmet - 1,
                     ready_at = CASE WHEN unmet = 1 AND state = 'pending' THEN ? ELSE ready_at END
      FROM step_edges e
     WHERE e.parent_step_id = ? AND steps.step_id = e.child_step_id
    RETURNING steps.task_id, steps.unmet, steps.state`;

/** Release children of many satisfied parents at once: now, parent step ids (JSON array). Rows as satisfyChildren's. */
export const satisfyChildrenOf = `
    UPDATE steps SET unmet = unmet - c.k,
                     ready_at = CASE WHEN unmet = c.k AND state = 'pending' THEN ? ELSE ready_at END
      FROM (SELECT e.child_step_id AS step_id, count(*) AS k FROM step_edges e
             WHERE e.parent_step_id IN (SELECT value FROM json_each(?)) GROUP BY e.child_step_id) AS c
     WHERE steps.step_id = c.step_id
    RETURNING task_id, unmet, state`;

/** Task counters: open delta, satisfied delta, task id. */
export const adjustCounters =
  'UPDATE tasks SET open_steps = open_steps + ?, satisfied_steps = satisfied_steps + ? WHERE task_id = ?';

/**
 * Apply counter deltas to tasks and finalise in the same statement: a running task whose open steps this delta
 * (d.open, non-zero) brings to 0 gets its final state (completed when every step is satisfied, else failed: the
 * rule of ../../shared/lifecycle-rules.ts finalTaskState) and completed_at = now. `source` is a FROM item `d` with
 * columns task_id, open, satisfied. Rows are arrays in RETURNING order; the caller tells a task finalised here by
 * open delta ≠ 0, open_steps 0, a final state and completed_at = now.
 */
const countAndFinalize = (source: string): string => {
  const done = "tasks.state = 'running' AND d.open <> 0 AND tasks.open_steps + d.open = 0";
  return `
    UPDATE tasks SET open_steps = open_steps + d.open, satisfied_steps = satisfied_steps + d.satisfied,
                     state = CASE WHEN ${done} THEN CASE WHEN tasks.satisfied_steps + d.satisfied >= tasks.step_count
                                                         THEN 'completed' ELSE 'failed' END
                                  ELSE tasks.state END,
                     completed_at = CASE WHEN ${done} THEN ? ELSE completed_at END
      FROM ${source}
     WHERE tasks.task_id = d.task_id
    RETURNING tasks.task_id, state, open_steps, satisfied_steps, step_count, namespace, name, version, correlation_id,
              created_at, started_at, run, paused, gates, completed_at`;
};

/** countAndFinalize for many tasks: now, then a JSON array of [task_id, open delta, satisfied delta]. */
export const adjustCountersMany = countAndFinalize(
  '(SELECT j.value ->> 0 AS task_id, j.value ->> 1 AS open, j.value ->> 2 AS satisfied FROM json_each(?) j) AS d',
);

/** countAndFinalize for one task: now, task id, open delta, satisfied delta. */
export const adjustCountersOne = countAndFinalize('(SELECT ? AS task_id, ? AS open, ? AS satisfied) AS d');

/** Task ?'s state, open steps, pause bits and whether it has concurrency limits. */
export const taskOpenState = 'SELECT state, open_steps, paused, gates FROM tasks WHERE task_id = ?';

/**
 * Take the ready steps of paused task ? out of the claim index (flow control): what a transaction made claimable in
 * a paused task (a reopened, reclaimed, released or retried step, a readied child) waits for the resume.
 */
export const holdSteps = 'UPDATE steps SET ready_at = NULL WHERE task_id = ? AND ready_at IS NOT NULL';

/** Task state: state, completed at (or NULL), task id. */
export const setTaskState = 'UPDATE tasks SET state = ?, completed_at = ? WHERE task_id = ?';

/** A task ends with no open steps (cancelled; it waits for nothing any more): state, completed at, task id. */
export const closeTask =
  'UPDATE tasks SET state = ?, completed_at = ?, open_steps = 0, waiting_for = NULL WHERE task_id = ?';
