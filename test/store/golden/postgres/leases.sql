-- extendLeases (tasker_extend_leases)
WITH held AS (
         SELECT step_id FROM "tasker".steps
          WHERE step_id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2
          ORDER BY step_id FOR NO KEY UPDATE
       )
       UPDATE "tasker".steps s
          SET lease_expires_at = (date_trunc('milliseconds', now()) + (ceil($3::float8))::float8 * interval '1 millisecond')
         FROM held WHERE s.step_id = held.step_id
       RETURNING s.step_id;
