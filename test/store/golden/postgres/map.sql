-- heldStepForUpdate (tasker_held_step_for_update)
SELECT step_id, task_id, name, state, unmet, attempts FROM "tasker".steps
        WHERE step_id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3 FOR NO KEY UPDATE;

-- insertInstances (tasker_insert_instances)

  WITH ins AS (
    INSERT INTO "tasker".steps (task_id, name, handler_class, depends_on, state, unmet, retry_limit, retryable,
                            timeout_ms, skippable, ready_at, priority, gate_key, gate, rate_key, map_of, map_index)
    SELECT p.task_id, p.name || '[' || i || ']', p.handler_class,
           CASE WHEN i >= $3 THEN ARRAY[p.name || '[' || (i - $3) || ']'] ELSE '{}'::text[] END, 'pending',
           CASE WHEN i >= $3 THEN 1 ELSE 0 END, p.retry_limit, p.retryable, p.timeout_ms, p.skippable,
           CASE WHEN i < $3 THEN date_trunc('milliseconds', now()) END, p.priority, p.gate_key,
           CASE WHEN p.gate_key IS NOT NULL THEN 0 END, p.rate_key, p.step_id, i
      FROM "tasker".steps p CROSS JOIN generate_series(0, $2::integer - 1) AS i
     WHERE p.step_id = $1
     ORDER BY i
    RETURNING step_id, map_index
  ), e AS (
    INSERT INTO "tasker".step_edges (parent_step_id, child_step_id)
    SELECT step_id, $1 FROM ins
    UNION ALL
    SELECT a.step_id, b.step_id FROM ins a JOIN ins b ON b.map_index = a.map_index + $3::integer
  )
  SELECT count(*)::integer AS n FROM ins;

-- parkMapped (tasker_park_mapped)
UPDATE "tasker".steps SET state = 'pending', attempts = attempts - 1, unmet = $2, map_size = $2,
              wait_kind = 'map', ready_at = NULL, locked_by = NULL, lease_expires_at = NULL
        WHERE step_id = $1;

-- addSteps (tasker_add_steps)
UPDATE "tasker".tasks SET step_count = step_count + $2 WHERE task_id = $1;

-- readMapState (tasker_read_map_state)
SELECT m.map_size, i.state, i.results
         FROM "tasker".steps m LEFT JOIN "tasker".steps i ON m.map_size IS NOT NULL AND i.map_of = m.step_id
        WHERE m.step_id = $1
        ORDER BY i.map_index;

-- dropInstances (tasker_drop_instances)
WITH h AS (DELETE FROM "tasker".transitions WHERE task_id = $1 AND step_id = ANY($2::bigint[])),
            s AS (DELETE FROM "tasker".steps WHERE step_id = ANY($2::bigint[]) RETURNING 1)
       UPDATE "tasker".tasks SET step_count = step_count - (SELECT count(*) FROM s)::integer WHERE task_id = $1;

-- clearMaps (tasker_clear_maps)
UPDATE "tasker".steps SET map_size = NULL, wait_kind = NULL
        WHERE step_id = ANY($1::bigint[]) AND map_size IS NOT NULL;
