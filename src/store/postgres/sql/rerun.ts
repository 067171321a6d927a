// rerunFrom (../rerun.ts): lock and read the task and all its steps with the reason each skipped step was skipped,
// write the rerun's history rows (with the new run and the results a step had), reset the step and its descendants
// to pending, fix the unmet counters of the others and move the task to running at its next run.
import { statement } from './statement.js';

/** Task $1, locked. Row: task_id, state, run, context. */
export const rerunTask = statement(
  'rerun_task',
  (n) => `SELECT task_id, state, run, context FROM ${n.q}.tasks WHERE task_id = $1 FOR NO KEY UPDATE`,
);

/**
 * Every step of task $1, locked in id order. Rows: step_id, name, state, unmet, attempts, depends_on, results, map_of,
 * map_size.
 */
export const rerunSteps = statement(
  'rerun_steps',
  (n) => `SELECT step_id, name, state, unmet, attempts, depends_on, results, map_of, map_size FROM ${n.q}.steps
        WHERE task_id = $1 ORDER BY step_id FOR NO KEY UPDATE`,
);

/** Why task $1's steps were skipped, oldest first (the latest per step counts). Rows: step_id, reason. */
export const skipReasons = statement(
  'skip_reasons',
  (n) => `SELECT step_id, reason FROM ${n.q}.transitions
        WHERE task_id = $1 AND step_id IS NOT NULL AND to_state = 'skipped' ORDER BY transition_id`,
);

/**
 * A rerun's history rows in the given order, at the transaction's time, for task $1 by actor $2 with reason $3 at
 * run $4: $5 step ids (NULL for the task row), $6 from states, $7 to states, $8 attempts, $9 previous results (jsonb).
 */
export const insertRerunHistory = statement(
  'insert_rerun_history',
  (
    n,
  ) => `INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, run, results)
       SELECT $1, h.step_id, h.from_state, h.to_state, date_trunc('milliseconds', now()), $3, h.attempt, $2, $4,
              h.results
         FROM unnest($5::bigint[], $6::text[], $7::text[], $8::integer[], $9::jsonb[]) WITH ORDINALITY
           AS h(step_id, from_state, to_state, attempt, results, ord)
        ORDER BY h.ord`,
);

/** Steps $1 (bigint[]) back to pending with nothing spent and unmet $2 (integer[]); claimable now when 0. */
export const resetSteps = statement(
  'reset_steps',
  (n) => `UPDATE ${n.q}.steps s SET state = 'pending', unmet = u.unmet, attempts = 0, results = NULL, error = NULL,
              ready_at = CASE WHEN u.unmet = 0 THEN date_trunc('milliseconds', now()) END, locked_by = NULL,
              lease_expires_at = NULL, started_at = NULL, completed_at = NULL, duration_ms = NULL
         FROM unnest($1::bigint[], $2::integer[]) AS u(step_id, unmet)
        WHERE s.step_id = u.step_id`,
);

/** Unmet counters: steps $1 (bigint[]) get $2 (integer[]). */
export const setUnmet = statement(
  'set_unmet',
  (n) => `UPDATE ${n.q}.steps s SET unmet = u.unmet FROM unnest($1::bigint[], $2::integer[]) AS u(step_id, unmet)
        WHERE s.step_id = u.step_id`,
);

/**
 * Task $1 back to running at run $2 with $3 open and $4 satisfied steps; planned again when $5; context $6 (jsonb;
 * NULL = unchanged).
 */
export const restartTask = statement(
  'restart_task',
  (n) => `UPDATE ${n.q}.tasks SET state = 'running', completed_at = NULL, run = $2, open_steps = $3,
              satisfied_steps = $4, needs_plan = needs_plan OR $5::boolean, context = coalesce($6::jsonb, context)
        WHERE task_id = $1`,
);
