// stats() and ping(): counts by state (exact, or the planner's estimates for large tables), claimable steps and the
// oldest one's age, claimable steps no live worker can run, and a liveness probe.
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

/**
 * The planner's row count of the tasks and steps tables (pg_class.reltuples, kept by autovacuum/ANALYZE; -1 when
 * never analysed). Parameter: $1 the schema name. Rows: tbl, n.
 */
export const tableSizes = statement(
  'read_table_sizes',
  () => `SELECT c.relname AS tbl, c.reltuples::float8 AS n
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = $1 AND c.relname IN ('tasks', 'steps')`,
);

/**
 * Rows by state estimated from the column statistics of the last ANALYZE: each of the most common states' frequency
 * times the table's row estimate (states too rare to be listed are left out). Parameter: $1 the schema name.
 * Rows: tbl, state, n.
 */
export const stateEstimates = statement(
  'read_state_estimates',
  () => `SELECT s.tablename AS tbl, v.state, round(v.f * greatest(c.reltuples, 0))::float8 AS n
      FROM pg_stats s
      JOIN pg_namespace ns ON ns.nspname = s.schemaname
      JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = s.tablename
     CROSS JOIN LATERAL unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS v(state, f)
     WHERE s.schemaname = $1 AND s.tablename IN ('tasks', 'steps') AND s.attname = 'state'`,
);

/**
 * Claimable steps and how long the oldest has waited, in ms (0 when none), walking the claimable index only.
 * Row: n, oldest_ms.
 */
export const readyDepth = statement(
  'read_ready_depth',
  (n) => `SELECT coalesce(sum(r.n), 0)::integer AS n,
           coalesce(extract(epoch from now() - min(r.oldest)) * 1000, 0)::float8 AS oldest_ms
      FROM (SELECT count(*) AS n, min(ready_at) AS oldest FROM ${n.q}.steps
             WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NULL
            UNION ALL
            SELECT count(*), min(ready_at) FROM ${n.q}.steps
             WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NOT NULL) r`,
);

/**
 * Claimable steps of running tasks that no live worker (seen within its lease, 30 s when it did not say) can run
 * (a worker without capabilities runs anything). Row: n.
 */
export const waitingForWorker = statement(
  'read_waiting_for_worker',
  (n) => `SELECT count(*)::integer AS n
       FROM (SELECT task_id FROM ${n.q}.steps WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NULL
             UNION ALL
             SELECT task_id FROM ${n.q}.steps
              WHERE ready_at IS NOT NULL AND ready_at <= now() AND rate_key IS NOT NULL) s
       JOIN ${n.q}.tasks t ON t.task_id = s.task_id
        WHERE t.state = 'running'
          AND NOT EXISTS (SELECT 1 FROM ${n.q}.workers w
                           WHERE w.last_seen_at >= now() - coalesce(w.lease_ms, 30000) * interval '1 millisecond'
                             AND (w.capabilities IS NULL
                                  OR (t.namespace || '/' || t.name || '@' || t.version) = ANY(w.capabilities)))`,
);

export const ping = statement('ping', () => 'SELECT 1 AS ok');
