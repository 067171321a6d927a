-- taskRow

    SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key,
           correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps, needs_plan,
           run, priority, run_at, waiting_for, paused, scheduled_for, parent_task_id, parent_step_id
      FROM tasks WHERE task_id = ?;

-- taskRunnable

    SELECT EXISTS (SELECT 1 FROM workers w
                    WHERE w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)
                      AND (w.capabilities IS NULL
                           OR EXISTS (SELECT 1 FROM json_each(w.capabilities) c
                                       WHERE c.value = t.namespace || '/' || t.name || '@' || t.version))) AS ok
      FROM tasks t WHERE t.task_id = ?;

-- taskContext
SELECT context, initiator, source_system, reason, tags, trace_context, scheduled_for FROM tasks WHERE task_id = ?;

-- stepByName
SELECT * FROM steps WHERE task_id = ? AND name = ?;

-- stepsOfTask
SELECT * FROM steps WHERE task_id = ? ORDER BY step_id;

-- historyOfTask

    SELECT tr.id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at, tr.reason,
           tr.attempt, tr.actor, tr.error, tr.results,
           coalesce(max(tr.run) OVER (ORDER BY tr.id ROWS UNBOUNDED PRECEDING), 1) AS run
      FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? ORDER BY tr.id;

-- historyOfStep

    SELECT * FROM (
    SELECT tr.id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at, tr.reason,
           tr.attempt, tr.actor, tr.error, tr.results,
           coalesce(max(tr.run) OVER (ORDER BY tr.id ROWS UNBOUNDED PRECEDING), 1) AS run
      FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? ORDER BY tr.id) h WHERE h.step_id = ? ORDER BY h.id;

-- unfinishedTaskIds
SELECT task_id FROM tasks WHERE state IN ('pending', 'running') ORDER BY task_id LIMIT ?;

-- nextRetryAt

    SELECT MIN(at) AS at FROM (
      SELECT MIN(ready_at) AS at FROM steps WHERE ready_at IS NOT NULL AND ready_at > ? AND rate_key IS NULL
      UNION ALL
      SELECT MIN(ready_at) FROM steps WHERE ready_at IS NOT NULL AND ready_at > ? AND rate_key IS NOT NULL);

-- anyReady
SELECT 1 AS ok FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL LIMIT 1;

-- anyRateReady
SELECT 1 AS ok FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL LIMIT 1;
