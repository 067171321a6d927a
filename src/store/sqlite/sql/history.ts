// History rows read by id (../history.ts): a page of one task's history, the live feed's rows of every task after a
// cursor, rows looked up again by id, and the last id. Each row carries its id as history_id; feed rows also their
// task's namespace and name (task_name).

/**
 * A row's run (history-rows.ts): the latest run written at or before it for its task (only rerun rows carry one),
 * else 1; one probe of transitions_run_idx.
 */
const RUN = `coalesce((SELECT r.run FROM transitions r WHERE r.task_id = tr.task_id AND r.id <= tr.id
              AND r.run IS NOT NULL ORDER BY r.id DESC LIMIT 1), 1) AS run`;

const ROW = `tr.id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at,
           tr.reason, tr.attempt, tr.actor, tr.error, ${RUN}`;

/** Rows of task ? with an id above ?, oldest first, at most ? (transitions_task_idx). */
export const historyPage = `
    SELECT ${ROW} FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? AND tr.id > ? ORDER BY tr.id LIMIT ?`;

/** Rows of every task with an id above ?, oldest first, at most ?, with the task's namespace and name. */
export const historySince = `
    SELECT ${ROW}, t.namespace, t.name AS task_name
      FROM transitions tr JOIN tasks t ON t.task_id = tr.task_id LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.id > ? ORDER BY tr.id LIMIT ?`;

/** The rows whose ids are in the JSON array ?, by id, with the task's namespace and name. */
export const historyByIds = `
    SELECT ${ROW}, t.namespace, t.name AS task_name
      FROM transitions tr JOIN tasks t ON t.task_id = tr.task_id LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.id IN (SELECT value FROM json_each(?)) ORDER BY tr.id`;

/** The highest history id, 0 when none. Row: id. */
export const lastHistoryId = 'SELECT COALESCE(MAX(id), 0) AS id FROM transitions';
