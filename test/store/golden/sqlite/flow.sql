-- taskFlow

    SELECT task_id, state, paused, namespace, name, started_at IS NOT NULL AS started,
           coalesce(run_at > ?, 0) AS delayed
      FROM tasks WHERE task_id = ?;

-- setTaskFlow
UPDATE tasks SET paused = ?, waiting_for = ? WHERE task_id = ?;

-- releaseHeldSteps

    UPDATE steps SET ready_at = ?
     WHERE task_id = ? AND ready_at IS NULL AND ((state = 'pending' AND unmet = 0) OR state = 'retrying')
       AND (gate_key IS NULL OR gate = 2);

-- insertPausedTemplate

    INSERT INTO paused_templates (namespace, name, paused_at, actor, reason) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (namespace, name) DO NOTHING;

-- deletePausedTemplate
DELETE FROM paused_templates WHERE namespace = ? AND name = ?;

-- holdTemplateTasks

    UPDATE tasks SET paused = paused | 2, waiting_for = 'paused', gate = CASE WHEN gate = 1 THEN 0 ELSE gate END
     WHERE namespace = ? AND (? = '' OR name = ?) AND (state = 'pending' OR state = 'running') AND (paused & 2) = 0
    RETURNING task_id, state;

-- releaseTemplateTasks

    UPDATE tasks SET paused = paused & 1,
           waiting_for = CASE WHEN (paused & 1) <> 0 THEN 'paused'
                              WHEN started_at IS NULL AND run_at > ? THEN 'delay' END
     WHERE namespace = ? AND (? = '' OR name = ?) AND (state = 'pending' OR state = 'running') AND (paused & 2) <> 0
       AND NOT EXISTS (SELECT 1 FROM paused_templates p
                        WHERE p.namespace = tasks.namespace AND p.name IN (tasks.name, ''))
    RETURNING task_id, state, waiting_for, gates;

-- listPaused
SELECT namespace, name, paused_at, actor, reason FROM paused_templates ORDER BY namespace, name;

-- anyDue
SELECT 1 AS ok FROM tasks WHERE waiting_for = 'delay' AND run_at <= ? LIMIT 1;

-- releaseDueTasks

    UPDATE tasks SET waiting_for = NULL
     WHERE task_id IN (SELECT task_id FROM tasks WHERE waiting_for = 'delay' AND run_at <= ? ORDER BY run_at LIMIT ?)
    RETURNING task_id, run_at, gates;

-- releaseDueSteps

    UPDATE steps SET ready_at = ? WHERE task_id = ? AND ready_at IS NULL AND state = 'pending' AND unmet = 0;

-- nextDue
SELECT min(run_at) AS at FROM tasks WHERE waiting_for = 'delay' AND run_at > ?;
