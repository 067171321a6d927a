-- taskEnds

    SELECT SUM(to_state = 'completed' AND at >= @hour) AS hour_completed,
           SUM(to_state = 'failed' AND at >= @hour) AS hour_failed,
           SUM(to_state = 'completed') AS day_completed,
           SUM(to_state = 'failed') AS day_failed
      FROM transitions WHERE step_id IS NULL AND at >= @day;

-- retries

    SELECT SUM(at >= @hour) AS hour_retried, COUNT(*) AS day_retried
      FROM transitions WHERE to_state = 'retrying' AND at >= @day;

-- readyQueue

    SELECT TOTAL(n) AS ready_steps, MIN(oldest) AS oldest_ready_at FROM (
      SELECT COUNT(*) AS n, MIN(ready_at) AS oldest FROM steps
       WHERE ready_at IS NOT NULL AND ready_at <= @now AND rate_key IS NULL
      UNION ALL
      SELECT COUNT(*), MIN(ready_at) FROM steps WHERE ready_at IS NOT NULL AND ready_at <= @now AND rate_key IS NOT NULL);

-- failingTemplates

    SELECT t.namespace, t.name, t.version, COUNT(*) AS failed
      FROM transitions tr JOIN tasks t ON t.task_id = tr.task_id
     WHERE tr.step_id IS NULL AND tr.at >= @day AND tr.to_state = 'failed'
     GROUP BY t.namespace, t.name, t.version
     ORDER BY failed DESC, t.namespace, t.name, t.version
     LIMIT 10;
