// Statements of map fan-out on PostgreSQL (../map.ts): a held mapped step's instances and their edges inserted in one
// statement (copies of the step named `name[i]`; each gates the mapped step; with max_parallel, each gates the
// instance `max_parallel` places later: its lane), the mapped step handed back pending on them, and the read of a
// mapped step's instances in item order. The caller holds the task lock (lock_tasks) and the step's row lock.
import { statement } from './statement.js';

/** Held step $1 (by worker $2, attempt $3), locked. Row: step_id, task_id, name, state, unmet, attempts. */
export const heldStepForUpdate = statement(
  'held_step_for_update',
  (n) => `SELECT step_id, task_id, name, state, unmet, attempts FROM ${n.q}.steps
        WHERE step_id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3 FOR NO KEY UPDATE`,
);

/**
 * The instances of mapped step $1: $2 copies of it, `name[i]` for i = 0..$2-1, pending, the first $3 ready now, each
 * later one waiting for the instance $3 places before it (depends_on names it, unmet 1); with their edges. Row: n.
 */
export const insertInstances = statement(
  'insert_instances',
  (n) => `
  WITH ins AS (
    INSERT INTO ${n.q}.steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                            timeout_ms, skippable, ready_at, priority, gate_key, gate, rate_key, map_of, map_index)
    SELECT p.task_id, p.name || '[' || i || ']', p.handler_class,
           CASE WHEN i >= $3 THEN ARRAY[p.name || '[' || (i - $3) || ']'] ELSE '{}'::text[] END, 'pending',
           CASE WHEN i >= $3 THEN 1 ELSE 0 END, p.retry_limit, p.retryable, p.timeout_ms, p.skippable,
           CASE WHEN i < $3 THEN date_trunc('milliseconds', now()) END, p.priority, p.gate_key,
           CASE WHEN p.gate_key IS NOT NULL THEN 0 END, p.rate_key, p.step_id, i
      FROM ${n.q}.steps p CROSS JOIN generate_series(0, $2::integer - 1) AS i
     WHERE p.step_id = $1
     ORDER BY i
    RETURNING step_id, map_index
  ), e AS (
    INSERT INTO ${n.q}.step_edges (parent_step_id, child_step_id)
    SELECT step_id, $1 FROM ins
    UNION ALL
    SELECT a.step_id, b.step_id FROM ins a JOIN ins b ON b.map_index = a.map_index + $3::integer
  )
  SELECT count(*)::integer AS n FROM ins`,
);

/** Held mapped step $1 back, uncounted, pending on its $2 instances (unmet and map size $2), waiting for `map`. */
export const parkMapped = statement(
  'park_mapped',
  (n) => `UPDATE ${n.q}.steps SET state = 'pending', attempts = attempts - 1, unmet = $2, map_size = $2,
              wait_kind = 'map', ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = $1`,
);

/** Task $1's step count grows by $2 (a map's instances). */
export const addSteps = statement(
  'add_steps',
  (n) => `UPDATE ${n.q}.tasks SET step_count = step_count + $2 WHERE task_id = $1`,
);

/** Mapped step $1's map size (NULL until expanded) and its instances in item order. Rows: map_size, state, results. */
export const readMapState = statement(
  'read_map_state',
  (n) => `SELECT m.map_size, i.state, i.results
         FROM ${n.q}.steps m LEFT JOIN ${n.q}.steps i ON m.map_size IS NOT NULL AND i.map_of = m.step_id
        WHERE m.step_id = $1
        ORDER BY i.map_index`,
);

/**
 * A rerun drops the instances $2 (bigint[]) of task $1's reset mapped steps: their history, the rows (their edges go
 * with them, ON DELETE CASCADE), and as many from the task's step count.
 */
export const dropInstances = statement(
  'drop_instances',
  (n) => `WITH h AS (DELETE FROM ${n.q}.transitions WHERE task_id = $1 AND step_id = ANY($2::bigint[])),
            s AS (DELETE FROM ${n.q}.steps WHERE step_id = ANY($2::bigint[]) RETURNING 1)
       UPDATE ${n.q}.tasks SET step_count = step_count - (SELECT count(*) FROM s)::integer WHERE task_id = $1`,
);

/** Reset mapped steps $1 (bigint[]) forget their map: they map their list afresh. */
export const clearMaps = statement(
  'clear_maps',
  (n) => `UPDATE ${n.q}.steps SET map_size = NULL, wait_kind = NULL
        WHERE step_id = ANY($1::bigint[]) AND map_size IS NOT NULL`,
);
