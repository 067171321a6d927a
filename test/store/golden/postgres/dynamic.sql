-- lockWatched (tasker_lock_watched)
SELECT task_id FROM "tasker".tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR SHARE;

-- parkSteps (tasker_park_steps)
WITH o AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::float8[], $6::text[],
                         $7::bigint[], $8::integer[])
      AS o(step_id, task_id, attempt, wait, until_ms, signal, watch, ord)
  ), d AS (
    SELECT o.*, t.paused,
           CASE WHEN (o.wait = 'signal' AND EXISTS (
                       SELECT 1 FROM "tasker".signals g
                        WHERE g.task_id = o.task_id AND g.name = o.signal AND g.consumed_step_id IS NULL))
                  OR (o.wait = 'subtask' AND o.watch IS NOT NULL AND NOT EXISTS (
                       SELECT 1 FROM "tasker".tasks c WHERE c.task_id = o.watch AND c.state NOT IN ('completed', 'failed', 'cancelled', 'resolved_manually')))
                THEN date_trunc('milliseconds', now())
                WHEN o.until_ms IS NULL THEN NULL
                ELSE greatest(date_trunc('milliseconds', now()), 'epoch'::timestamptz + o.until_ms * interval '1 millisecond') END AS at
      FROM o JOIN "tasker".tasks t ON t.task_id = o.task_id
  ), upd AS (
    UPDATE "tasker".steps s
       SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = s.attempts - 1,
           ready_at = CASE WHEN d.paused <> 0 THEN NULL ELSE d.at END,
           wait_kind = d.wait, locked_by = NULL, lease_expires_at = NULL
      FROM d
     WHERE s.step_id = d.step_id AND s.task_id = d.task_id AND s.state = 'running' AND s.locked_by = $9
       AND s.attempts = d.attempt
    RETURNING s.step_id, s.task_id, s.state, d.attempt, d.wait, d.ord, s.ready_at
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, step_id, 'running', state, date_trunc('milliseconds', now()), 'waiting for ' || wait, attempt - 1, $9
      FROM upd ORDER BY ord
  )
  SELECT step_id, (ready_at IS NOT NULL AND ready_at <= now()) AS ready_now FROM upd;

-- stepWaitForUpdate (tasker_step_wait_for_update)
SELECT s.state, s.locked_by, s.attempts, s.wait_key,
         (round(extract(epoch from s.wait_until) * 1000))::float8 AS wait_until,
         (round(extract(epoch from date_trunc('milliseconds', now())) * 1000))::float8 AS now_ms
    FROM "tasker".steps s WHERE s.step_id = $1 FOR NO KEY UPDATE;

-- setStepWait (tasker_set_step_wait)
UPDATE "tasker".steps SET wait_key = $2,
         wait_until = CASE WHEN $3::float8 IS NULL THEN NULL ELSE 'epoch'::timestamptz + $3::float8 * interval '1 millisecond' END
   WHERE step_id = $1;

-- takeSignal (tasker_take_signal)
WITH pick AS (
    SELECT id FROM "tasker".signals
     WHERE task_id = $1 AND name = $2 AND (consumed_step_id IS NULL OR (consumed_step_id = $3 AND consumed_run = $4))
     ORDER BY consumed_step_id IS NULL, id LIMIT 1 FOR UPDATE
  )
  UPDATE "tasker".signals g SET consumed_step_id = $3, consumed_run = $4, consumed_at = coalesce(g.consumed_at, date_trunc('milliseconds', now()))
    FROM pick WHERE g.id = pick.id
  RETURNING g.id, g.payload, (round(extract(epoch from g.received_at) * 1000))::float8 AS received_at;

-- signalTask (tasker_signal_task)
SELECT state, paused FROM "tasker".tasks WHERE task_id = $1 FOR NO KEY UPDATE;

-- insertSignal (tasker_insert_signal)
INSERT INTO "tasker".signals (task_id, name, signal_key, payload, actor, received_at)
  VALUES ($1, $2, $3, $4::jsonb, $5, date_trunc('milliseconds', now()))
  ON CONFLICT (task_id, name, signal_key) WHERE signal_key IS NOT NULL DO NOTHING RETURNING id;

-- signalByKey (tasker_signal_by_key)
SELECT id FROM "tasker".signals WHERE task_id = $1 AND name = $2 AND signal_key = $3;

-- wakeSignalWaits (tasker_wake_signal_waits)
UPDATE "tasker".steps
     SET ready_at = CASE WHEN $3::boolean THEN NULL ELSE date_trunc('milliseconds', now()) END
   WHERE task_id = $1 AND name = ANY($2::text[]) AND state IN ('pending', 'retrying') AND unmet = 0
     AND wait_kind = 'signal';

-- setTaskParent (tasker_set_task_parent)
UPDATE "tasker".tasks SET parent_task_id = $2, parent_step_id = $3 WHERE task_id = $1;

-- childTasks (tasker_child_tasks)
SELECT task_id, parent_step_id, namespace, name, version, state FROM "tasker".tasks
   WHERE parent_task_id = $1 ORDER BY task_id;

-- listSignals (tasker_list_signals)
SELECT id, task_id, name, signal_key, payload, actor,
         (round(extract(epoch from received_at) * 1000))::float8 AS received_at, consumed_step_id,
         (round(extract(epoch from consumed_at) * 1000))::float8 AS consumed_at
    FROM "tasker".signals WHERE task_id = $1 ORDER BY id;
