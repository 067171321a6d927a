-- readActivity (tasker_read_activity)
WITH ends AS (
         SELECT tr.to_state, tr.task_id, tr.at >= now() - interval '1 hour' AS in_hour
           FROM "tasker".transitions tr
          WHERE tr.step_id IS NULL AND tr.at >= now() - interval '1 day' AND tr.to_state IN ('completed', 'failed')
       ), retries AS (
         SELECT tr.at >= now() - interval '1 hour' AS in_hour
           FROM "tasker".transitions tr
          WHERE tr.to_state = 'retrying' AND tr.at >= now() - interval '1 day'
       ), ready AS (
         SELECT count(*)::integer AS n, min(s.ready_at) AS oldest
           FROM "tasker".steps s WHERE s.ready_at IS NOT NULL AND s.ready_at <= now()
       ), failing AS (
         SELECT t.namespace, t.name, t.version, count(*)::integer AS failed
           FROM ends e JOIN "tasker".tasks t ON t.task_id = e.task_id
          WHERE e.to_state = 'failed'
          GROUP BY t.namespace, t.name, t.version
          ORDER BY failed DESC, t.namespace, t.name, t.version
          LIMIT 10
       )
       SELECT (round(extract(epoch from now()) * 1000))::float8 AS now,
              (SELECT count(*) FILTER (WHERE to_state = 'completed' AND in_hour) FROM ends)::integer AS hour_completed,
              (SELECT count(*) FILTER (WHERE to_state = 'failed' AND in_hour) FROM ends)::integer AS hour_failed,
              (SELECT count(*) FILTER (WHERE in_hour) FROM retries)::integer AS hour_retried,
              (SELECT count(*) FILTER (WHERE to_state = 'completed') FROM ends)::integer AS day_completed,
              (SELECT count(*) FILTER (WHERE to_state = 'failed') FROM ends)::integer AS day_failed,
              (SELECT count(*) FROM retries)::integer AS day_retried,
              (SELECT n FROM ready) AS ready_steps,
              (SELECT (round(extract(epoch from oldest) * 1000))::float8 FROM ready) AS oldest_ready_at,
              (SELECT coalesce(json_agg(f ORDER BY f.failed DESC, f.namespace, f.name, f.version), '[]'::json)
                 FROM failing f) AS failing;
