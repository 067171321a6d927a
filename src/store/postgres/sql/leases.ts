// extendLeases: the heartbeat of a worker's running steps.
import { statement } from './statement.js';

/**
 * Extend to now + $3 ms the leases of steps $1 (bigint[]) that worker $2 still holds (running), locked in id order.
 * Rows: step_id of each lease extended (the others were lost).
 */
export const extendLeases = statement(
  'extend_leases',
  (n) => `WITH held AS (
         SELECT step_id FROM ${n.q}.steps
          WHERE step_id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2
          ORDER BY step_id FOR NO KEY UPDATE
       )
       UPDATE ${n.q}.steps s
          SET lease_expires_at = (date_trunc('milliseconds', now()) + (ceil($3::float8))::float8 * interval '1 millisecond')
         FROM held WHERE s.step_id = held.step_id
       RETURNING s.step_id`,
);
