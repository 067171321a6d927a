-- insertTransition

    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- satisfyChildren

    UPDATE steps SET unmet = unmet - 1,
                     ready_at = CASE WHEN unmet = 1 AND state = 'pending' THEN ? ELSE ready_at END
      FROM step_edges e
     WHERE e.parent_step_id = ? AND steps.step_id = e.child_step_id
    RETURNING steps.task_id, steps.unmet, steps.state;

-- satisfyChildrenOf

    UPDATE steps SET unmet = unmet - c.k,
                     ready_at = CASE WHEN unmet = c.k AND state = 'pending' THEN ? ELSE ready_at END
      FROM (SELECT e.child_step_id AS step_id, count(*) AS k FROM step_edges e
             WHERE e.parent_step_id IN (SELECT value FROM json_each(?)) GROUP BY e.child_step_id) AS c
     WHERE steps.step_id = c.step_id
    RETURNING task_id, unmet, state;

-- adjustCounters
UPDATE tasks SET open_steps = open_steps + ?, satisfied_steps = satisfied_steps + ? WHERE task_id = ?;

-- adjustCountersMany

    UPDATE tasks SET open_steps = open_steps + d.open, satisfied_steps = satisfied_steps + d.satisfied,
                     state = CASE WHEN tasks.state = 'running' AND d.open <> 0 AND tasks.open_steps + d.open = 0 THEN CASE WHEN tasks.satisfied_steps + d.satisfied >= tasks.step_count
                                                         THEN 'completed' ELSE 'failed' END
                                  ELSE tasks.state END,
                     completed_at = CASE WHEN tasks.state = 'running' AND d.open <> 0 AND tasks.open_steps + d.open = 0 THEN ? ELSE completed_at END
      FROM (SELECT j.value ->> 0 AS task_id, j.value ->> 1 AS open, j.value ->> 2 AS satisfied FROM json_each(?) j) AS d
     WHERE tasks.task_id = d.task_id
    RETURNING tasks.task_id, state, open_steps, satisfied_steps, step_count, namespace, name, version, correlation_id,
              created_at, started_at, run, paused, gates, completed_at;

-- adjustCountersOne

    UPDATE tasks SET open_steps = open_steps + d.open, satisfied_steps = satisfied_steps + d.satisfied,
                     state = CASE WHEN tasks.state = 'running' AND d.open <> 0 AND tasks.open_steps + d.open = 0 THEN CASE WHEN tasks.satisfied_steps + d.satisfied >= tasks.step_count
                                                         THEN 'completed' ELSE 'failed' END
                                  ELSE tasks.state END,
                     completed_at = CASE WHEN tasks.state = 'running' AND d.open <> 0 AND tasks.open_steps + d.open = 0 THEN ? ELSE completed_at END
      FROM (SELECT ? AS task_id, ? AS open, ? AS satisfied) AS d
     WHERE tasks.task_id = d.task_id
    RETURNING tasks.task_id, state, open_steps, satisfied_steps, step_count, namespace, name, version, correlation_id,
              created_at, started_at, run, paused, gates, completed_at;

-- taskOpenState
SELECT state, open_steps, paused, gates FROM tasks WHERE task_id = ?;

-- holdSteps
UPDATE steps SET ready_at = NULL WHERE task_id = ? AND ready_at IS NOT NULL;

-- setTaskState
UPDATE tasks SET state = ?, completed_at = ? WHERE task_id = ?;

-- closeTask
UPDATE tasks SET state = ?, completed_at = ?, open_steps = 0, waiting_for = NULL WHERE task_id = ?;
