-- pruneNow (tasker_prune_now)
SELECT (round(extract(epoch from now()) * 1000))::float8 AS now;

-- pruneCount (tasker_prune_count)
SELECT count(*)::integer AS tasks, coalesce(sum(step_count), 0)::bigint AS steps FROM "tasker".tasks
        WHERE state = $1 AND created_at < to_timestamp($2::float8 / 1000)
          AND completed_at < to_timestamp($2::float8 / 1000) AND parent_task_id IS NULL;

-- pruneLock (tasker_prune_lock)
SELECT task_id, (round(extract(epoch from created_at) * 1000))::float8 AS created_ms
         FROM "tasker".tasks
        WHERE state = $1 AND created_at < to_timestamp($2::float8 / 1000)
          AND completed_at < to_timestamp($2::float8 / 1000)
          AND ($4::float8 IS NULL OR created_at >= to_timestamp($4::float8 / 1000)) AND parent_task_id IS NULL
        ORDER BY tasks.created_at LIMIT $3 FOR UPDATE SKIP LOCKED;

-- pruneTransitions (tasker_prune_transitions)
WITH d AS (DELETE FROM "tasker".transitions WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d;

-- pruneAnnotations (tasker_prune_annotations)
WITH d AS (DELETE FROM "tasker".annotations WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d;

-- pruneSteps (tasker_prune_steps)
WITH s AS (DELETE FROM "tasker".steps WHERE task_id = ANY($1::bigint[]) RETURNING step_id),
            e AS (DELETE FROM "tasker".step_edges WHERE parent_step_id = ANY(ARRAY(SELECT step_id FROM s)) RETURNING 1)
       SELECT (SELECT count(*) FROM s)::integer AS steps, (SELECT count(*) FROM e)::integer AS edges;

-- pruneTaskRows (tasker_prune_task_rows)
WITH d AS (DELETE FROM "tasker".tasks WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d;

-- pruneTree (tasker_prune_tree)
WITH RECURSIVE tree(root, task_id, state) AS (
         SELECT c.parent_task_id, c.task_id, c.state FROM "tasker".tasks c WHERE c.parent_task_id = ANY($1::bigint[])
         UNION ALL
         SELECT tree.root, c.task_id, c.state FROM "tasker".tasks c JOIN tree ON c.parent_task_id = tree.task_id
       )
       SELECT root, task_id, state FROM tree;

-- pruneSignals (tasker_prune_signals)
WITH d AS (DELETE FROM "tasker".signals WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d;
