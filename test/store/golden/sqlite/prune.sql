-- pruneCount

    SELECT COUNT(*) AS tasks, coalesce(SUM(step_count), 0) AS steps FROM tasks
     WHERE state = @state AND completed_at < @cutoff AND parent_task_id IS NULL
       AND task_id <= coalesce((SELECT task_id FROM tasks WHERE created_at < @cutoff
                                 ORDER BY created_at DESC, task_id DESC LIMIT 1), 0);

-- pruneCandidates

    SELECT task_id FROM tasks
     WHERE state = @state AND completed_at < @cutoff AND task_id > @after AND parent_task_id IS NULL
       AND task_id <= coalesce((SELECT task_id FROM tasks WHERE created_at < @cutoff
                                 ORDER BY created_at DESC, task_id DESC LIMIT 1), 0)
     ORDER BY task_id LIMIT @limit;

-- pruneEdges
DELETE FROM step_edges WHERE parent_step_id IN
      (SELECT step_id FROM steps WHERE task_id IN (SELECT value FROM json_each(@ids)));

-- pruneTransitions
DELETE FROM transitions WHERE task_id IN (SELECT value FROM json_each(@ids));

-- pruneAnnotations
DELETE FROM annotations WHERE task_id IN (SELECT value FROM json_each(@ids));

-- pruneSteps
DELETE FROM steps WHERE task_id IN (SELECT value FROM json_each(@ids));

-- pruneTaskRows
DELETE FROM tasks WHERE task_id IN (SELECT value FROM json_each(@ids));

-- pruneTree

    WITH RECURSIVE tree(root, task_id, state) AS (
      SELECT c.parent_task_id, c.task_id, c.state FROM tasks c
       WHERE c.parent_task_id IN (SELECT value FROM json_each(@ids))
      UNION ALL
      SELECT tree.root, c.task_id, c.state FROM tasks c JOIN tree ON c.parent_task_id = tree.task_id
    )
    SELECT root, task_id, state FROM tree;

-- pruneSignals
DELETE FROM signals WHERE task_id IN (SELECT value FROM json_each(@ids));
