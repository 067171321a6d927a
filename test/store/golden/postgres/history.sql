-- readHistoryPage (tasker_read_history_page)
SELECT tr.transition_id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state,
              (round(extract(epoch from tr.at) * 1000))::float8 AS at, tr.reason, tr.attempt, tr.actor, tr.error,
              coalesce((SELECT r.run FROM "tasker".transitions r WHERE r.task_id = tr.task_id AND r.transition_id <= tr.transition_id
              AND r.run IS NOT NULL ORDER BY r.transition_id DESC LIMIT 1), 1) AS run
         FROM "tasker".transitions tr LEFT JOIN "tasker".steps s ON s.step_id = tr.step_id
        WHERE tr.task_id = $1 AND tr.transition_id > $2
        ORDER BY tr.transition_id LIMIT $3;

-- readHistorySince (tasker_read_history_since)
SELECT tr.transition_id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state,
              (round(extract(epoch from tr.at) * 1000))::float8 AS at, tr.reason, tr.attempt, tr.actor, tr.error,
              coalesce((SELECT r.run FROM "tasker".transitions r WHERE r.task_id = tr.task_id AND r.transition_id <= tr.transition_id
              AND r.run IS NOT NULL ORDER BY r.transition_id DESC LIMIT 1), 1) AS run, t.namespace, t.name AS task_name
         FROM "tasker".transitions tr JOIN "tasker".tasks t ON t.task_id = tr.task_id
         LEFT JOIN "tasker".steps s ON s.step_id = tr.step_id
        WHERE tr.transition_id > $1
        ORDER BY tr.transition_id LIMIT $2;

-- readHistoryByIds (tasker_read_history_by_ids)
SELECT tr.transition_id AS history_id, tr.task_id, tr.step_id, s.name AS step_name, tr.from_state, tr.to_state,
              (round(extract(epoch from tr.at) * 1000))::float8 AS at, tr.reason, tr.attempt, tr.actor, tr.error,
              coalesce((SELECT r.run FROM "tasker".transitions r WHERE r.task_id = tr.task_id AND r.transition_id <= tr.transition_id
              AND r.run IS NOT NULL ORDER BY r.transition_id DESC LIMIT 1), 1) AS run, t.namespace, t.name AS task_name
         FROM "tasker".transitions tr JOIN "tasker".tasks t ON t.task_id = tr.task_id
         LEFT JOIN "tasker".steps s ON s.step_id = tr.step_id
        WHERE tr.transition_id = ANY($1::bigint[])
        ORDER BY tr.transition_id;

-- readLastHistoryId (tasker_read_last_history_id)
SELECT coalesce(max(transition_id), 0) AS id FROM "tasker".transitions;
