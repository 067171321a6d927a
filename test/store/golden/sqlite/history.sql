-- historyPage

    SELECT tr.id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at,
           tr.reason, tr.attempt, tr.actor, tr.error, coalesce((SELECT r.run FROM transitions r WHERE r.task_id = tr.task_id AND r.id <= tr.id
              AND r.run IS NOT NULL ORDER BY r.id DESC LIMIT 1), 1) AS run FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? AND tr.id > ? ORDER BY tr.id LIMIT ?;

-- historySince

    SELECT tr.id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at,
           tr.reason, tr.attempt, tr.actor, tr.error, coalesce((SELECT r.run FROM transitions r WHERE r.task_id = tr.task_id AND r.id <= tr.id
              AND r.run IS NOT NULL ORDER BY r.id DESC LIMIT 1), 1) AS run, t.namespace, t.name AS task_name
      FROM transitions tr JOIN tasks t ON t.task_id = tr.task_id LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.id > ? ORDER BY tr.id LIMIT ?;

-- historyByIds

    SELECT tr.id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state, tr.at,
           tr.reason, tr.attempt, tr.actor, tr.error, coalesce((SELECT r.run FROM transitions r WHERE r.task_id = tr.task_id AND r.id <= tr.id
              AND r.run IS NOT NULL ORDER BY r.id DESC LIMIT 1), 1) AS run, t.namespace, t.name AS task_name
      FROM transitions tr JOIN tasks t ON t.task_id = tr.task_id LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.id IN (SELECT value FROM json_each(?)) ORDER BY tr.id;

-- lastHistoryId
SELECT COALESCE(MAX(id), 0) AS id FROM transitions;
