// stats() and ping(): counts by state, claimable steps, claimable steps no live worker can run, and a liveness probe.
import { statement } from './statement.js';

/** Rows: state, n. */
export const tasksByState = statement(
  'read_tasks_by_state',
  (n) => `SELECT state, count(*)::integer AS n FROM ${n.q}.tasks GROUP BY state`,
);

/** Rows: state, n. */
export const stepsByState = statement(
  'read_steps_by_state',
  (n) => `SELECT state, count(*)::integer AS n FROM ${n.q}.steps GROUP BY state`,
);

/** Claimable steps. Row: n. */
export const readyDepth = statement(
  'read_ready_depth',
  (n) => `SELECT count(*)::integer AS n FROM ${n.q}.steps WHERE ready_at IS NOT NULL AND ready_at <= now()`,
);

/**
 * Claimable steps of running tasks that no live worker (seen within its lease, 30 s when it did not say) can run
 * (a worker without capabilities runs anything). Row: n.
 */
export const waitingForWorker = statement(
  'read_waiting_for_worker',
  (n) => `SELECT count(*)::integer AS n FROM ${n.q}.steps s JOIN ${n.q}.tasks t ON t.task_id = s.task_id
        WHERE s.ready_at IS NOT NULL AND s.ready_at <= now() AND t.state = 'running'
          AND NOT EXISTS (SELECT 1 FROM ${n.q}.workers w
                           WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                             AND (w.capabilities IS NULL
                                  OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities)))`,
);

export const ping = statement('ping', () => 'SELECT 1 AS ok');
