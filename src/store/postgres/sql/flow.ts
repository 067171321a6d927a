// Flow control (../flow.ts): pausing and resuming a task, a template or a namespace, the paused list, and releasing
// delayed tasks whose run_at has come. A held task's ready steps keep ready_at NULL (out of the claim index);
// `tasks.paused` says who holds it (bit 1 its own pause, bit 2 its template's or namespace's) and `waiting_for` why it
// does not progress. History rows of a pause or resume keep the task's state (pending -> pending, running -> running).
import { statement } from './statement.js';

/**
 * Task $1, locked, with its flow-control columns. Row: task_id, state, paused, started (it has been claimed once),
 * delayed (its run_at is still ahead).
 */
export const taskFlowForUpdate = statement(
  'task_flow_for_update',
  (n) => `SELECT task_id, state, paused, started_at IS NOT NULL AS started,
              coalesce(run_at > now(), false) AS delayed
         FROM ${n.q}.tasks WHERE task_id = $1 FOR NO KEY UPDATE`,
);

/** Task $1 gets pause bits $2 and waiting_for $3 (text or NULL). */
export const setTaskFlow = statement(
  'set_task_flow',
  (n) => `UPDATE ${n.q}.tasks SET paused = $2::smallint, waiting_for = $3::text WHERE task_id = $1`,
);

/**
 * Make the held ready steps of tasks $1 (bigint[]) claimable now: pending ones with no unmet parent and retrying
 * ones, whose ready_at a pause cleared — but no step that needs a concurrency slot it does not hold (reconcile_gates_v1
 * admits those). Rows: task_id, one per step made claimable.
 */
export const releaseHeldSteps = statement(
  'release_held_steps',
  (n) => `UPDATE ${n.q}.steps SET ready_at = date_trunc('milliseconds', now())
        WHERE task_id = ANY($1::bigint[]) AND ready_at IS NULL
          AND ((state = 'pending' AND unmet = 0) OR state = 'retrying') AND (gate_key IS NULL OR gate = 2)
       RETURNING task_id`,
);

/**
 * Task $1 reopened (a rerun, an operator's retry): its pause bits are its own pause (bit 1, kept) and whether its
 * template or namespace is paused now (bit 2); waiting_for follows. Row: paused.
 */
export const refreshPause = statement(
  'refresh_pause',
  (n) => `UPDATE ${n.q}.tasks t SET paused = g.paused, waiting_for = CASE WHEN g.paused <> 0 THEN 'paused' END
         FROM (SELECT (x.paused & 1) | CASE WHEN EXISTS (SELECT 1 FROM ${n.q}.paused_templates p
                                                       WHERE p.namespace = x.namespace AND p.name IN (x.name, ''))
                                            THEN 2 ELSE 0 END AS paused
                 FROM ${n.q}.tasks x WHERE x.task_id = $1) g
        WHERE t.task_id = $1
       RETURNING t.paused`,
);

/**
 * Taken first by a template or namespace pause and resume: waits for every transaction that read the table (a task
 * creation reads it in its first statement) and keeps new readers out until the commit, so no task created under
 * the old pause state commits after the change.
 */
export const lockPausedTemplates = statement(
  'lock_paused_templates',
  (n) => `LOCK TABLE ${n.q}.paused_templates IN ACCESS EXCLUSIVE MODE`,
);

/** Pause namespace $1, template $2 ('' = the whole namespace), by actor $3 for reason $4. Row: one when new. */
export const insertPausedTemplate = statement(
  'insert_paused_template',
  (n) => `INSERT INTO ${n.q}.paused_templates (namespace, name, actor, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, name) DO NOTHING RETURNING namespace`,
);

/** Resume namespace $1, template $2 ('' = the whole namespace). Row: one when it was paused. */
export const deletePausedTemplate = statement(
  'delete_paused_template',
  (n) => `DELETE FROM ${n.q}.paused_templates WHERE namespace = $1 AND name = $2 RETURNING namespace`,
);

/**
 * Hold the unfinished tasks of namespace $1 (template $2, or all of the namespace when ''): set pause bit 2 and
 * waiting_for, take their ready steps out of the claim index, leave the concurrency queue (they queue again once
 * released), and write a history row each (reason $3, actor $4). Tasks are locked in id order, as completions lock
 * them. Row: tasks (how many were held).
 */
export const holdTemplateTasks = statement(
  'hold_template_tasks',
  (n) => `
  WITH locked AS (
    SELECT t.task_id FROM ${n.q}.tasks t
     WHERE t.namespace = $1 AND ($2 = '' OR t.name = $2) AND t.state IN ('pending', 'running') AND t.paused & 2 = 0
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), held AS (
    UPDATE ${n.q}.tasks t SET paused = t.paused | 2, waiting_for = 'paused',
           gate = CASE WHEN t.gate = 1 THEN 0 ELSE t.gate END
      FROM locked l WHERE t.task_id = l.task_id
    RETURNING t.task_id, t.state
  ), steps AS (
    UPDATE ${n.q}.steps s SET ready_at = NULL FROM held h WHERE s.task_id = h.task_id AND s.ready_at IS NOT NULL
    RETURNING s.step_id
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, state, state, date_trunc('milliseconds', now()), $3, NULL, $4 FROM held ORDER BY task_id
  )
  SELECT (SELECT count(*) FROM held)::integer AS tasks, (SELECT count(*) FROM steps)::integer AS steps`,
);

/**
 * Release the tasks of namespace $1 (template $2, or all of the namespace when '') that pause bit 2 held and no
 * remaining template or namespace pause covers: clear bit 2; a task no pause holds any more waits for its run_at when
 * that is still ahead (an unstarted delayed task), else its held steps become claimable now (those of tasks with
 * concurrency limits are left to the caller's reconcile). A history row each (reason $3, actor $4). Row: tasks
 * (released from this pause), ready (steps made claimable), gated (released tasks with limits, to reconcile).
 */
export const releaseTemplateTasks = statement(
  'release_template_tasks',
  (n) => `
  WITH locked AS (
    SELECT t.task_id FROM ${n.q}.tasks t
     WHERE t.namespace = $1 AND ($2 = '' OR t.name = $2) AND t.state IN ('pending', 'running') AND t.paused & 2 <> 0
       AND NOT EXISTS (SELECT 1 FROM ${n.q}.paused_templates p WHERE p.namespace = t.namespace AND p.name IN (t.name, ''))
     ORDER BY t.task_id
       FOR NO KEY UPDATE
  ), upd AS (
    UPDATE ${n.q}.tasks t SET paused = t.paused & 1,
           waiting_for = CASE WHEN t.paused & 1 <> 0 THEN 'paused'
                              WHEN t.started_at IS NULL AND t.run_at > now() THEN 'delay' END
      FROM locked l WHERE t.task_id = l.task_id
    RETURNING t.task_id, t.state, t.waiting_for, t.gates
  ), rel AS (
    UPDATE ${n.q}.steps s SET ready_at = date_trunc('milliseconds', now())
      FROM upd WHERE s.task_id = upd.task_id AND upd.waiting_for IS NULL AND NOT upd.gates AND s.ready_at IS NULL
       AND ((s.state = 'pending' AND s.unmet = 0) OR s.state = 'retrying')
    RETURNING s.step_id
  ), history AS (
    INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
    SELECT task_id, NULL, state, state, date_trunc('milliseconds', now()), $3, NULL, $4 FROM upd ORDER BY task_id
  )
  SELECT (SELECT count(*) FROM upd)::integer AS tasks, (SELECT count(*) FROM rel)::integer AS ready,
         (SELECT coalesce(array_agg(task_id), '{}') FROM upd WHERE gates) AS gated`,
);

/** Every paused template and namespace. Rows: namespace, name ('' = namespace), paused_at, actor, reason. */
export const listPaused = statement(
  'list_paused',
  (n) => `SELECT namespace, name, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, actor, reason
         FROM ${n.q}.paused_templates ORDER BY namespace, name`,
);

/** The pause holding new tasks of namespace $1, template $2: the template's own, else its namespace's. Row as above. */
export const pausedFor = statement(
  'paused_for',
  (n) => `SELECT namespace, name, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, actor, reason
         FROM ${n.q}.paused_templates WHERE namespace = $1 AND name IN ($2, '') ORDER BY name DESC LIMIT 1`,
);

/**
 * Up to $1 delayed tasks whose run_at has come (release_due_v1, migration 10: SKIP LOCKED, so concurrent callers share
 * them): waiting_for cleared, their first steps claimable as of their run_at (tasks with concurrency limits take or
 * queue for their slots), one NOTIFY on channel $2 when any became claimable. Row: r, JSON { released, next_at } (the
 * next run_at still ahead, epoch ms, or null).
 */
export const releaseDue = statement('release_due', (n) => `SELECT ${n.q}.release_due_v1($1::integer, $2::text) AS r`);
