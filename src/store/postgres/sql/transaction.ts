// The shared steps of the store's multi-statement transactions (../tx.ts): task locks, history rows, release of
// children, counter deltas with finalisation, and the NOTIFY that wakes workers at commit.
import { statement } from './statement.js';

/** Lock task rows $1 (bigint[]) in id order, so writers never deadlock on each other. Rows: task_id, state. */
export const lockTasks = statement(
  'lock_tasks',
  (n) => `SELECT task_id, state FROM ${n.q}.tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR NO KEY UPDATE`,
);

/**
 * History rows in the given order, all at the transaction's time: $1 task ids, $2 step ids (NULL for task rows),
 * $3 from states, $4 to states, $5 reasons, $6 attempts, $7 actors, $8 errors (jsonb).
 */
export const insertHistory = statement(
  'insert_history',
  (n) => `INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
       SELECT h.task_id, h.step_id, h.from_state, h.to_state, date_trunc('milliseconds', now()), h.reason, h.attempt,
              h.actor, h.error
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
                     $8::jsonb[]) WITH ORDINALITY
           AS h(task_id, step_id, from_state, to_state, reason, attempt, actor, error, ord)
        ORDER BY h.ord`,
);

/**
 * Release children: every step in $1 (bigint[]) just reached a satisfying state, so each child's unmet drops by its
 * number of such parents; a pending child reaching 0 becomes claimable now. Rows: the children made claimable
 * (step_id, task_id).
 */
export const satisfyChildren = statement(
  'satisfy_children',
  (n) => `
  WITH d AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.q}.step_edges e WHERE e.parent_step_id = ANY($1::bigint[])
     GROUP BY e.child_step_id
  ), upd AS (
    UPDATE ${n.q}.steps s
       SET unmet = s.unmet - d.k,
           ready_at = CASE WHEN s.state = 'pending' AND s.unmet = d.k THEN date_trunc('milliseconds', now())
                      ELSE s.ready_at END
      FROM d WHERE s.step_id = d.step_id
    RETURNING s.step_id, s.task_id, (s.state = 'pending' AND s.unmet = 0) AS readied
  )
  SELECT step_id, task_id FROM upd WHERE readied`,
);

/**
 * Release children, apply per-task counter deltas and finalise, in one statement. Every step in $6 (bigint[]) just
 * reached a satisfying state, so each child's unmet drops by its number of such parents and a pending child reaching
 * 0 becomes claimable now (one more open step of its task). Then each running task whose open steps reach 0 is
 * finalised exactly once: the task rows are locked by this UPDATE (and by the caller earlier), so concurrent
 * transactions finishing the same task's last steps serialise here and only one sees it leave `running`.
 * Parameters: $1 task ids, $2 open-step deltas, $3 satisfied-step deltas, $5 each task's order (all arrays, one entry
 * per task), $4 the actor of the task history rows, $6 the satisfied steps.
 * Rows: tasks finalised, with children made claimable, or paused, in the given order: the task columns, `finalized`,
 * `ord`, `readied` (children made claimable), `paused` (non-zero: the caller holds the task's ready steps), `gates`
 * (the caller reconciles the task's concurrency slots).
 */
export const finalize = statement(
  'finalize',
  (n) => `
  WITH sat AS (
    SELECT e.child_step_id AS step_id, count(*)::integer AS k
      FROM ${n.q}.step_edges e WHERE e.parent_step_id = ANY($6::bigint[])
     GROUP BY e.child_step_id
  ), children AS (
    UPDATE ${n.q}.steps s
       SET unmet = s.unmet - sat.k,
           ready_at = CASE WHEN s.state = 'pending' AND s.unmet = sat.k THEN date_trunc('milliseconds', now())
                      ELSE s.ready_at END
      FROM sat WHERE s.step_id = sat.step_id
    RETURNING s.task_id, (s.state = 'pending' AND s.unmet = 0) AS readied
  ), readied AS (
    SELECT task_id, count(*)::integer AS n FROM children WHERE readied GROUP BY task_id
  ), given AS (
    SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $5::integer[])
                  AS g(task_id, open_delta, satisfied_delta, ord)
  ), d AS (
    -- children belong to their parents' tasks, so every readied task is given; the full join is a safety net
    SELECT coalesce(g.task_id, r.task_id) AS task_id, coalesce(g.open_delta, 0) + coalesce(r.n, 0) AS open_delta,
           coalesce(g.satisfied_delta, 0) AS satisfied_delta, coalesce(g.ord, 2147483647) AS ord,
           coalesce(r.n, 0) AS readied
      FROM given g FULL JOIN readied r ON r.task_id = g.task_id
  ), before AS (
    -- the caller locked these rows earlier in the transaction, so this read is current
    SELECT t.task_id, t.state AS old_state FROM ${n.q}.tasks t WHERE t.task_id IN (SELECT task_id FROM d)
  ), upd AS (
    UPDATE ${n.q}.tasks t SET
      open_steps = t.open_steps + d.open_delta,
      satisfied_steps = t.satisfied_steps + d.satisfied_delta,
      state = CASE WHEN t.state = 'running' AND t.open_steps + d.open_delta = 0 THEN
                CASE WHEN t.satisfied_steps + d.satisfied_delta >= t.step_count THEN 'completed' ELSE 'failed' END
              ELSE t.state END,
      completed_at = CASE WHEN t.state = 'running' AND t.open_steps + d.open_delta = 0
                     THEN date_trunc('milliseconds', now()) ELSE t.completed_at END
    FROM d JOIN before b ON b.task_id = d.task_id
    WHERE t.task_id = d.task_id
    RETURNING t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
      t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
      (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
      (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
      (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at,
      (b.old_state = 'running' AND t.state <> 'running') AS finalized, d.ord, d.readied, t.run, t.paused, t.gates
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, 'running', state, date_trunc('milliseconds', now()),
           CASE state WHEN 'completed' THEN 'all steps completed, skipped or resolved'
                      ELSE 'a step failed and nothing else can run' END, NULL, $4
      FROM upd WHERE finalized ORDER BY ord, task_id
  )
  SELECT * FROM upd WHERE finalized OR readied > 0 OR paused <> 0 OR gates ORDER BY ord, task_id`,
);

/**
 * Take the ready steps of paused tasks $1 (bigint[]) out of the claim index (flow control): what a transaction made
 * claimable in a paused task (a reopened, reclaimed or released step, a readied child) waits for the resume.
 */
export const holdSteps = statement(
  'hold_steps',
  (n) => `UPDATE ${n.q}.steps SET ready_at = NULL WHERE task_id = ANY($1::bigint[]) AND ready_at IS NOT NULL`,
);

/** Wake the workers listening on channel $1 (delivered at commit). */
export const notify = statement('notify', () => `SELECT pg_notify($1, '')`);
