-- readActivity (tasker_read_activity)
WITH ends AS (
         SELECT tr.to_state, tr.task_id, tr.at >= now() - interval '1 hour' AS in_hour
           FROM "tasker".transitions tr
          WHERE tr.step_id IS NULL AND tr.at >= now() - interval '1 day' AND tr.to_state IN ('completed', 'failed')
       ), retried AS (
         SELECT count(*) FILTER (WHERE tr.at >= now() - interval '1 hour')::integer AS hour_retried,
                count(*)::integer AS day_retried
           FROM "tasker".transitions tr
          WHERE tr.to_state = 'retrying' AND tr.at >= now() - interval '1 day'
       ), ready AS (
         SELECT coalesce(sum(r.n), 0)::integer AS n, min(r.oldest) AS oldest
           FROM (SELECT count(*) AS n, min(s.ready_at) AS oldest FROM "tasker".steps s
                  WHERE s.ready_at IS NOT NULL AND s.ready_at <= now() AND s.rate_key IS NULL
                 UNION ALL
                 SELECT count(*), min(s.ready_at) FROM "tasker".steps s
                  WHERE s.ready_at IS NOT NULL AND s.ready_at <= now() AND s.rate_key IS NOT NULL) r
       ), failing AS (
         SELECT t.namespace, t.name, t.version, count(*)::integer AS failed
           FROM ends e JOIN "tasker".tasks t ON t.task_id = e.task_id
          WHERE e.to_state = 'failed'
          GROUP BY t.namespace, t.name, t.version
          ORDER BY failed DESC, t.namespace, t.name, t.version
          LIMIT 10
       ), counts AS (
         SELECT count(*) FILTER (WHERE to_state = 'completed' AND in_hour)::integer AS hour_completed,
                count(*) FILTER (WHERE to_state = 'failed' AND in_hour)::integer AS hour_failed,
                count(*) FILTER (WHERE to_state = 'completed')::integer AS day_completed,
                count(*) FILTER (WHERE to_state = 'failed')::integer AS day_failed
           FROM ends
       )
       SELECT (round(extract(epoch from now()) * 1000))::float8 AS now, c.hour_completed, c.hour_failed,
              r.hour_retried, c.day_completed, c.day_failed, r.day_retried, q.n AS ready_steps,
              (round(extract(epoch from q.oldest) * 1000))::float8 AS oldest_ready_at,
              (SELECT coalesce(json_agg(f ORDER BY f.failed DESC, f.namespace, f.name, f.version), '[]'::json)
                 FROM failing f) AS failing
         FROM counts c, retried r, ready q;
