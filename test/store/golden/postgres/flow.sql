-- taskFlowForUpdate (tasker_task_flow_for_update)
SELECT task_id, state, paused, started_at IS NOT NULL AS started,
              coalesce(run_at > now(), false) AS delayed
         FROM "tasker".tasks WHERE task_id = $1 FOR NO KEY UPDATE;

-- setTaskFlow (tasker_set_task_flow)
UPDATE "tasker".tasks SET paused = $2::smallint, waiting_for = $3::text WHERE task_id = $1;

-- releaseHeldSteps (tasker_release_held_steps)
UPDATE "tasker".steps SET ready_at = date_trunc('milliseconds', now())
        WHERE task_id = ANY($1::bigint[]) AND ready_at IS NULL
          AND ((state = 'pending' AND unmet = 0) OR state = 'retrying') AND (gate_key IS NULL OR gate = 2)
       RETURNING task_id;

-- refreshPause (tasker_refresh_pause)
UPDATE "tasker".tasks t SET paused = g.paused, waiting_for = CASE WHEN g.paused <> 0 THEN 'paused' END
         FROM (SELECT (x.paused & 1) | CASE WHEN EXISTS (SELECT 1 FROM "tasker".paused_templates p
                                                       WHERE p.namespace = x.namespace AND p.name IN (x.name, ''))
                                            THEN 2 ELSE 0 END AS paused
                 FROM "tasker".tasks x WHERE x.task_id = $1) g
        WHERE t.task_id = $1
       RETURNING t.paused;

-- lockPausedTemplates (tasker_lock_paused_templates)
LOCK TABLE "tasker".paused_templates IN ACCESS EXCLUSIVE MODE;

-- insertPausedTemplate (tasker_insert_paused_template)
INSERT INTO "tasker".paused_templates (namespace, name, actor, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, name) DO NOTHING RETURNING namespace;

-- deletePausedTemplate (tasker_delete_paused_template)
DELETE FROM "tasker".paused_templates WHERE namespace = $1 AND name = $2 RETURNING namespace;

-- holdTemplateTasks (tasker_hold_template_tasks)

  WITH locked AS (
    SELECT t.task_id FROM "tasker".tasks t
     WHERE t.namespace = $1 AND ($2 = '' OR t.name = $2) AND t.state IN ('pending', 'running') AND t.paused & 2 = 0
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), held AS (
    UPDATE "tasker".tasks t SET paused = t.paused | 2, waiting_for = 'paused',
           gate = CASE WHEN t.gate = 1 THEN 0 ELSE t.gate END
      FROM locked l WHERE t.task_id = l.task_id
    RETURNING t.task_id, t.state
  ), steps AS (
    UPDATE "tasker".steps s SET ready_at = NULL FROM held h WHERE s.task_id = h.task_id AND s.ready_at IS NOT NULL
    RETURNING s.step_id
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, state, state, date_trunc('milliseconds', now()), $3, NULL, $4 FROM held ORDER BY task_id
  )
  SELECT (SELECT count(*) FROM held)::integer AS tasks, (SELECT count(*) FROM steps)::integer AS steps;

-- releaseTemplateTasks (tasker_release_template_tasks)

  WITH locked AS (
    SELECT t.task_id FROM "tasker".tasks t
     WHERE t.namespace = $1 AND ($2 = '' OR t.name = $2) AND t.state IN ('pending', 'running') AND t.paused & 2 <> 0
       AND NOT EXISTS (SELECT 1 FROM "tasker".paused_templates p WHERE p.namespace = t.namespace AND p.name IN (t.name, ''))
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), upd AS (
    UPDATE "tasker".tasks t SET paused = t.paused & 1,
           waiting_for = CASE WHEN t.paused & 1 <> 0 THEN 'paused'
                              WHEN t.started_at IS NULL AND t.run_at > now() THEN 'delay' END
      FROM locked l WHERE t.task_id = l.task_id
    RETURNING t.task_id, t.state, t.waiting_for, t.gates
  ), rel AS (
    UPDATE "tasker".steps s SET ready_at = date_trunc('milliseconds', now())
      FROM upd WHERE s.task_id = upd.task_id AND upd.waiting_for IS NULL AND NOT upd.gates AND s.ready_at IS NULL
       AND ((s.state = 'pending' AND s.unmet = 0) OR s.state = 'retrying')
    RETURNING s.step_id
  ), history AS (
    INSERT INTO "tasker".transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, state, state, date_trunc('milliseconds', now()), $3, NULL, $4 FROM upd ORDER BY task_id
  )
  SELECT (SELECT count(*) FROM upd)::integer AS tasks, (SELECT count(*) FROM rel)::integer AS ready,
         (SELECT coalesce(array_agg(task_id), '{}') FROM upd WHERE gates) AS gated;

-- listPaused (tasker_list_paused)
SELECT namespace, name, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, actor, reason
         FROM "tasker".paused_templates ORDER BY namespace, name;

-- pausedFor (tasker_paused_for)
SELECT namespace, name, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, actor, reason
         FROM "tasker".paused_templates WHERE namespace = $1 AND name IN ($2, '') ORDER BY name DESC LIMIT 1;

-- releaseDue (tasker_release_due)
SELECT "tasker".release_due_v1($1::integer, $2::text) AS r;
