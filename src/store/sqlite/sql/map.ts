// SQL of map fan-out on SQLite (../map.ts): a held mapped step's instances inserted in one statement (copies of the
// step, named `name[i]`), their edges (each instance to the mapped step; with max_parallel, each to the instance
// `max_parallel` places later: its lane), the mapped step handed back pending on them, and the read of a mapped
// step's instances in item order. Named parameters; times are epoch ms bound by the caller.

/**
 * The instances of mapped step @parent: @count copies of it, `name[i]` for i = 0..@count-1, pending, the first @lanes
 * ready at @now, each later one waiting for the instance @lanes places before it (depends_on names it, unmet 1).
 */
export const insertInstances = `
    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @count)
    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, attempts, retry_limit, retryable,
                       timeout_ms, skippable, ready_at, priority, gate_key, gate, rate_key, map_of, map_index)
    SELECT p.task_id, p.name || '[' || seq.i || ']', p.handler_class, 'pending',
           CASE WHEN seq.i >= @lanes THEN json_array(p.name || '[' || CAST(seq.i - @lanes AS INTEGER) || ']') ELSE '[]' END,
           CASE WHEN seq.i >= @lanes THEN 1 ELSE 0 END, 0, p.retry_limit, p.retryable, p.timeout_ms, p.skippable,
           CASE WHEN seq.i < @lanes THEN @now END, p.priority, p.gate_key,
           CASE WHEN p.gate_key IS NOT NULL THEN 0 END, p.rate_key, p.step_id, seq.i
      FROM steps p CROSS JOIN seq WHERE p.step_id = @parent
     ORDER BY seq.i`;

/** Each instance of mapped step ? (first) gates it (second ?: the same id). */
export const insertMapEdges = `
    INSERT INTO step_edges (parent_step_id, child_step_id) SELECT step_id, ? FROM steps WHERE map_of = ?`;

/** Lanes of mapped step @parent: instance i gates instance i + @lanes. */
export const insertLaneEdges = `
    INSERT INTO step_edges (parent_step_id, child_step_id)
    SELECT a.step_id, b.step_id FROM steps a JOIN steps b ON b.map_of = a.map_of AND b.map_index = a.map_index + @lanes
     WHERE a.map_of = @parent`;

/**
 * The held mapped step back, uncounted, pending on its instances: map size and unmet (both the instance count), step
 * id.
 */
export const parkMapped = `
    UPDATE steps SET state = 'pending', attempts = attempts - 1, unmet = ?, map_size = ?, wait_kind = 'map',
                     ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
     WHERE step_id = ?`;

/** A task's step count grows by ? (a map's instances): task id. */
export const addSteps = 'UPDATE tasks SET step_count = step_count + ? WHERE task_id = ?';

/** A mapped step's map size (NULL until expanded): step id. */
export const mapSize = 'SELECT map_size FROM steps WHERE step_id = ?';

/** The instances of mapped step ?, in item order. Rows: state, results. */
export const mapInstances = 'SELECT state, results FROM steps WHERE map_of = ? ORDER BY map_index';

/** Whether task ? has map instances (a rerun of it may drop some). Row: 1, or none. */
export const hasInstances = 'SELECT 1 FROM steps WHERE task_id = ? AND map_of IS NOT NULL LIMIT 1';

/** History rows of dropped instances: task id, their step ids (JSON array). */
export const dropInstanceHistory = `
    DELETE FROM transitions WHERE task_id = ? AND step_id IN (SELECT value FROM json_each(?))`;

/** Edges from dropped instances (every edge touching an instance starts at one): step ids (JSON array). */
export const dropInstanceEdges = `DELETE FROM step_edges WHERE parent_step_id IN (SELECT value FROM json_each(?))`;

/** Dropped instances themselves: step ids (JSON array). */
export const dropInstances = `DELETE FROM steps WHERE step_id IN (SELECT value FROM json_each(?))`;

/** Reset mapped steps (JSON array of step ids) forget their map: they map their list afresh. */
export const clearMaps = `
    UPDATE steps SET map_size = NULL, wait_kind = NULL WHERE step_id IN (SELECT value FROM json_each(?))
       AND map_size IS NOT NULL`;
