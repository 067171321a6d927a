// History rows read by id (../history.ts): a page of one task's history, the live feed's rows of every task after a
// cursor, rows looked up again by id (a transaction that committed after later ids were read), and the last id.
// Each row carries its id as history_id; feed rows also their task's namespace and name (task_name).
import { statement } from './statement.js';

/**
 * A row's run (history-rows.ts): the latest run written at or before it for its task (only rerun rows carry one),
 * else 1; one probe of transitions_run_idx.
 */
const RUN = (q: string): string =>
  `coalesce((SELECT r.run FROM ${q}.transitions r WHERE r.task_id = tr.task_id AND r.transition_id <= tr.transition_id
              AND r.run IS NOT NULL ORDER BY r.transition_id DESC LIMIT 1), 1) AS run`;

const row = (
  q: string,
): string => `tr.transition_id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state,
              (round(extract(epoch from tr.at) * 1000))::float8 AS at, tr.reason, tr.attempt, tr.actor, tr.error,
              ${RUN(q)}`;

/** Rows of task $1 with an id above $2, oldest first, at most $3 (transitions_task_idx). */
export const readHistoryPage = statement(
  'read_history_page',
  (n) => `SELECT ${row(n.q)}
         FROM ${n.q}.transitions tr LEFT JOIN ${n.q}.steps s ON s.step_id = tr.step_id
        WHERE tr.task_id = $1 AND tr.transition_id > $2
        ORDER BY tr.transition_id LIMIT $3`,
);

/** Rows of every task with an id above $1, oldest first, at most $2, with the task's namespace and name. */
export const readHistorySince = statement(
  'read_history_since',
  (n) => `SELECT ${row(n.q)}, t.namespace, t.name AS task_name
         FROM ${n.q}.transitions tr JOIN ${n.q}.tasks t ON t.task_id = tr.task_id
         LEFT JOIN ${n.q}.steps s ON s.step_id = tr.step_id
        WHERE tr.transition_id > $1
        ORDER BY tr.transition_id LIMIT $2`,
);

/** The rows with ids $1 (bigint[]) that exist, by id, with the task's namespace and name. */
export const readHistoryByIds = statement(
  'read_history_by_ids',
  (n) => `SELECT ${row(n.q)}, t.namespace, t.name AS task_name
         FROM ${n.q}.transitions tr JOIN ${n.q}.tasks t ON t.task_id = tr.task_id
         LEFT JOIN ${n.q}.steps s ON s.step_id = tr.step_id
        WHERE tr.transition_id = ANY($1::bigint[])
        ORDER BY tr.transition_id`,
);

/** The highest history id, 0 when none. Row: id. */
export const readLastHistoryId = statement(
  'read_last_history_id',
  (n) => `SELECT coalesce(max(transition_id), 0) AS id FROM ${n.q}.transitions`,
);
