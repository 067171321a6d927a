-- insertInstances

    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @count)
    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, attempts, retry_limit, retryable,
                       timeout_ms, skippable, ready_at, priority, gate_key, gate, rate_key, map_of, map_index)
    SELECT p.task_id, p.name || '[' || seq.i || ']', p.handler_class, 'pending',
           CASE WHEN seq.i >= @lanes THEN json_array(p.name || '[' || CAST(seq.i - @lanes AS INTEGER) || ']') ELSE '[]' END,
           CASE WHEN seq.i >= @lanes THEN 1 ELSE 0 END, 0, p.retry_limit, p.retryable, p.timeout_ms, p.skippable,
           CASE WHEN seq.i < @lanes THEN @now END, p.priority, p.gate_key,
           CASE WHEN p.gate_key IS NOT NULL THEN 0 END, p.rate_key, p.step_id, seq.i
      FROM steps p CROSS JOIN seq WHERE p.step_id = @parent
     ORDER BY seq.i;

-- insertMapEdges

    INSERT INTO step_edges (parent_step_id, child_step_id) SELECT step_id, ? FROM steps WHERE map_of = ?;

-- insertLaneEdges

    INSERT INTO step_edges (parent_step_id, child_step_id)
    SELECT a.step_id, b.step_id FROM steps a JOIN steps b ON b.map_of = a.map_of AND b.map_index = a.map_index + @lanes
     WHERE a.map_of = @parent;

-- parkMapped

    UPDATE steps SET state = 'pending', attempts = attempts - 1, unmet = ?, map_size = ?, wait_kind = 'map',
                     ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL
     WHERE step_id = ?;

-- addSteps
UPDATE tasks SET step_count = step_count + ? WHERE task_id = ?;

-- mapSize
SELECT map_size FROM steps WHERE step_id = ?;

-- mapInstances
SELECT state, results FROM steps WHERE map_of = ? ORDER BY map_index;

-- hasInstances
SELECT 1 FROM steps WHERE task_id = ? AND map_of IS NOT NULL LIMIT 1;

-- dropInstanceHistory

    DELETE FROM transitions WHERE task_id = ? AND step_id IN (SELECT value FROM json_each(?));

-- dropInstanceEdges
DELETE FROM step_edges WHERE parent_step_id IN (SELECT value FROM json_each(?));

-- dropInstances
DELETE FROM steps WHERE step_id IN (SELECT value FROM json_each(?));

-- clearMaps

    UPDATE steps SET map_size = NULL, wait_kind = NULL WHERE step_id IN (SELECT value FROM json_each(?))
       AND map_size IS NOT NULL;
