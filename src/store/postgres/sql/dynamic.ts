// Statements of dynamic workflows (core/store-dynamic.ts): parking steps with no handler, the wait a claimed step
// parked for, signals (stored, taken, listed) and the wake-up of steps parked for a signal. Parks and signals lock
// the task row first (lock_tasks / signal_task), so a park sees a signal stored before it and a signal sees a step
// parked before it: neither is ever missed.
import { statement } from './statement.js';

const NOW = `date_trunc('milliseconds', now())`;
const FINISHED = `('completed', 'failed', 'cancelled', 'resolved_manually')`;

/** Share-lock child tasks a park watches ($1), so one finishing now is seen finished (or wakes the parked step). */
export const lockWatched = statement(
  'lock_watched',
  (n) => `SELECT task_id FROM ${n.q}.tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR SHARE`,
);

/**
 * Park held steps (their tasks already locked): arrays of $1 step ids, $2 task ids, $3 attempts, $4 wait kinds,
 * $5 until (epoch ms, NULL: until woken), $6 signal names, $7 watched child tasks, $8 the caller's order; $9 the
 * worker. Each goes back uncounted (pending, or retrying if it was), without a lease, ready at its deadline — at
 * once when its signal is already stored or its child already finished; NULL in a paused task. Rows: step_id,
 * ready_now.
 */
export const parkSteps = statement(
  'park_steps',
  (n) => `WITH o AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::float8[], $6::text[],
                         $7::bigint[], $8::integer[])
      AS o(step_id, task_id, attempt, wait, until_ms, signal, watch, ord)
  ), d AS (
    SELECT o.*, t.paused,
           CASE WHEN (o.wait = 'signal' AND EXISTS (
                       SELECT 1 FROM ${n.q}.signals g
                        WHERE g.task_id = o.task_id AND g.name = o.signal AND g.consumed_step_id IS NULL))
                  OR (o.wait = 'subtask' AND o.watch IS NOT NULL AND NOT EXISTS (
                       SELECT 1 FROM ${n.q}.tasks c WHERE c.task_id = o.watch AND c.state NOT IN ${FINISHED}))
                THEN ${NOW}
                WHEN o.until_ms IS NULL THEN NULL
                ELSE greatest(${NOW}, 'epoch'::timestamptz + o.until_ms * interval '1 millisecond') END AS at
      FROM o JOIN ${n.q}.tasks t ON t.task_id = o.task_id
  ), upd AS (
    UPDATE ${n.q}.steps s
       SET state = CASE WHEN s.attempts > 1 THEN 'retrying' ELSE 'pending' END, attempts = s.attempts - 1,
           ready_at = CASE WHEN d.paused <> 0 THEN NULL ELSE d.at END,
           wait_kind = d.wait, locked_by = NULL, lease_expires_at = NULL
      FROM d
     WHERE s.step_id = d.step_id AND s.task_id = d.task_id AND s.state = 'running' AND s.locked_by = $9
       AND s.attempts = d.attempt
    RETURNING s.step_id, s.task_id, s.state, d.attempt, d.wait, d.ord, s.ready_at
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, step_id, 'running', state, ${NOW}, 'waiting for ' || wait, attempt - 1, $9
      FROM upd ORDER BY ord
  )
  SELECT step_id, (ready_at IS NOT NULL AND ready_at <= now()) AS ready_now FROM upd`,
);

/** The wait a held step parked for: $1 step id. Row: state, locked_by, attempts, wait_key, wait_until (ms), now. */
export const stepWaitForUpdate = statement(
  'step_wait_for_update',
  (n) => `SELECT s.state, s.locked_by, s.attempts, s.wait_key,
         (round(extract(epoch from s.wait_until) * 1000))::float8 AS wait_until,
         (round(extract(epoch from ${NOW}) * 1000))::float8 AS now_ms
    FROM ${n.q}.steps s WHERE s.step_id = $1 FOR NO KEY UPDATE`,
);

/** Start a new wait: $1 step id, $2 key (`run:attempt`), $3 until (epoch ms, NULL: no deadline). */
export const setStepWait = statement(
  'set_step_wait',
  (n) => `UPDATE ${n.q}.steps SET wait_key = $2,
         wait_until = CASE WHEN $3::float8 IS NULL THEN NULL ELSE 'epoch'::timestamptz + $3::float8 * interval '1 millisecond' END
   WHERE step_id = $1`,
);

/**
 * Take the signal a waiting step gets: $1 task id, $2 name, $3 step id, $4 run. One it took before (its attempt was
 * cut short) first, else the oldest not consumed; marked consumed by the step and run. Row: id, payload, received_at.
 */
export const takeSignal = statement(
  'take_signal',
  (n) => `WITH pick AS (
    SELECT id FROM ${n.q}.signals
     WHERE task_id = $1 AND name = $2 AND (consumed_step_id IS NULL OR (consumed_step_id = $3 AND consumed_run = $4))
     ORDER BY consumed_step_id IS NULL, id LIMIT 1 FOR UPDATE
  )
  UPDATE ${n.q}.signals g SET consumed_step_id = $3, consumed_run = $4, consumed_at = coalesce(g.consumed_at, ${NOW})
    FROM pick WHERE g.id = pick.id
  RETURNING g.id, g.payload, (round(extract(epoch from g.received_at) * 1000))::float8 AS received_at`,
);

/** Lock a task a signal is sent to: $1 task id. Row: state, paused. */
export const signalTask = statement(
  'signal_task',
  (n) => `SELECT state, paused FROM ${n.q}.tasks WHERE task_id = $1 FOR NO KEY UPDATE`,
);

/** Store a signal: $1 task id, $2 name, $3 key, $4 payload, $5 actor. No row when the key was sent before. */
export const insertSignal = statement(
  'insert_signal',
  (n) => `INSERT INTO ${n.q}.signals (task_id, name, signal_key, payload, actor, received_at)
  VALUES ($1, $2, $3, $4::jsonb, $5, ${NOW})
  ON CONFLICT (task_id, name, signal_key) WHERE signal_key IS NOT NULL DO NOTHING RETURNING id`,
);

/** The signal sent before with a key: $1 task id, $2 name, $3 key. */
export const signalByKey = statement(
  'signal_by_key',
  (n) => `SELECT id FROM ${n.q}.signals WHERE task_id = $1 AND name = $2 AND signal_key = $3`,
);

/**
 * Wake the steps of a task parked for a signal (or backing off after its wait timed out): $1 task id, $2 step names,
 * $3 whether the task is paused (then nothing becomes claimable). Row count: steps woken.
 */
export const wakeSignalWaits = statement(
  'wake_signal_waits',
  (n) => `UPDATE ${n.q}.steps
     SET ready_at = CASE WHEN $3::boolean THEN NULL ELSE ${NOW} END
   WHERE task_id = $1 AND name = ANY($2::text[]) AND state IN ('pending', 'retrying') AND unmet = 0
     AND wait_kind = 'signal'`,
);

/** Link a new sub-workflow to its parent: $1 task id, $2 parent task id, $3 parent step id. */
export const setTaskParent = statement(
  'set_task_parent',
  (n) => `UPDATE ${n.q}.tasks SET parent_task_id = $2, parent_step_id = $3 WHERE task_id = $1`,
);

/** A task's sub-workflows, oldest first: $1 parent task id. */
export const childTasks = statement(
  'child_tasks',
  (n) => `SELECT task_id, parent_step_id, namespace, name, version, state FROM ${n.q}.tasks
   WHERE parent_task_id = $1 ORDER BY task_id`,
);

/** A task's signals, oldest first: $1 task id. */
export const listSignals = statement(
  'list_signals',
  (n) => `SELECT id, task_id, name, signal_key, payload, actor,
         (round(extract(epoch from received_at) * 1000))::float8 AS received_at, consumed_step_id,
         (round(extract(epoch from consumed_at) * 1000))::float8 AS consumed_at
    FROM ${n.q}.signals WHERE task_id = $1 ORDER BY id`,
);
