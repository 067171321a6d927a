-- upsertGroup

    INSERT INTO concurrency_groups (group_key, max_running) VALUES (?, ?)
    ON CONFLICT (group_key) DO UPDATE SET max_running = excluded.max_running;

-- groupFree
SELECT max_running - running AS free FROM concurrency_groups WHERE group_key = ?;

-- groupTake
UPDATE concurrency_groups SET running = max(0, running + ?) WHERE group_key = ?;

-- gateTask
SELECT state, paused, waiting_for, gates, gate_key, gate FROM tasks WHERE task_id = ?;

-- setTaskGate
UPDATE tasks SET gate = ?, waiting_for = ? WHERE task_id = ?;

-- gateSteps

    SELECT step_id, state, unmet, gate, gate_key, ready_at FROM steps WHERE task_id = ? AND gate_key IS NOT NULL;

-- setStepGate
UPDATE steps SET gate = ?, ready_at = ? WHERE step_id = ?;

-- holdTaskSteps
UPDATE steps SET ready_at = NULL WHERE task_id = ? AND ready_at IS NOT NULL;

-- queuedTasks

    SELECT task_id, state FROM tasks WHERE gate_key = ? AND gate = 1 ORDER BY priority DESC, task_id LIMIT ?;

-- releaseAdmitted

    UPDATE steps SET ready_at = CASE WHEN gate_key IS NULL OR gate = 2 THEN ? END,
                     gate = CASE WHEN gate_key IS NULL OR gate = 2 THEN gate ELSE 1 END
     WHERE task_id = ? AND ready_at IS NULL AND ((state = 'pending' AND unmet = 0) OR state = 'retrying')
    RETURNING gate_key, gate;

-- queuedSteps

    SELECT s.step_id FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
     WHERE s.gate_key = ? AND s.gate = 1 AND t.paused = 0 AND t.waiting_for IS NULL
     ORDER BY s.priority DESC, s.step_id LIMIT ?;

-- listGroups

    SELECT g.group_key, g.max_running, g.running,
           (SELECT count(*) FROM tasks t WHERE t.gate_key = g.group_key AND t.gate = 1)
           + (SELECT count(*) FROM steps s WHERE s.gate_key = g.group_key AND s.gate = 1) AS waiting
      FROM concurrency_groups g ORDER BY g.group_key;
