// Cron schedules (../schedules.ts): schedule rows (definition, pause state, last tick) and the tick table whose primary
// key (schedule_id, tick_at) makes each tick create one task. A tick is created in one transaction: lock the schedule
// row, insert the tick (nothing when it exists), create the task, stamp it and the tick, move last_tick_at, delete the
// schedule's ticks older than its newest 100. Times
// are epoch ms in and out ('epoch' plus milliseconds, so no float rounding).
import { TICKS_KEPT_PER_SCHEDULE } from '../../../core/store-schedules.js';
import { statement } from './statement.js';

/** The columns of a schedule row as ScheduleRecord reads them (times in epoch ms). */
const ROW = `schedule_id, namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
         enabled, context, paused, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, paused_by,
         (round(extract(epoch from resumed_at) * 1000))::float8 AS resumed_at,
         (round(extract(epoch from last_tick_at) * 1000))::float8 AS last_tick_at, last_task_id,
         (round(extract(epoch from created_at) * 1000))::float8 AS created_at,
         (round(extract(epoch from updated_at) * 1000))::float8 AS updated_at`;

/** Every schedule row (columns of ROW; none when there is none) and `now`, the database clock, on every row. */
export const listSchedules = statement(
  'list_schedules',
  (n) => `SELECT (round(extract(epoch from now()) * 1000))::float8 AS now, s.*
         FROM (SELECT 1) AS one
         LEFT JOIN (SELECT ${ROW} FROM ${n.q}.schedules) AS s ON true
        ORDER BY s.namespace, s.template_name, s.schedule_name`,
);

/**
 * Insert schedule ($1 namespace, $2 template name, $3 schedule name) with its definition ($4 version, $5 declared,
 * $6 cron, $7 timezone, $8 catch_up, $9 enabled, $10 context jsonb) unless it exists. Returns schedule_id when it did.
 */
export const insertSchedule = statement(
  'insert_schedule',
  (n) => `INSERT INTO ${n.q}.schedules (namespace, template_name, schedule_name, version, declared, cron, timezone,
                                catch_up, enabled, context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (namespace, template_name, schedule_name) DO NOTHING
       RETURNING schedule_id`,
);

/** The same parameters as insertSchedule: replace the definition while the row's version is still $11. */
export const updateSchedule = statement(
  'update_schedule',
  (n) => `UPDATE ${n.q}.schedules
          SET version = $4, declared = $5, cron = $6, timezone = $7, catch_up = $8, enabled = $9, context = $10::jsonb,
              updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3 AND version = $11
       RETURNING schedule_id`,
);

/** Pause schedule ($1, $2, $3) for actor $4 (a paused one keeps when and by whom). Returns the row (ROW). */
export const pauseSchedule = statement(
  'pause_schedule',
  (n) => `UPDATE ${n.q}.schedules
          SET paused_at = CASE WHEN paused THEN paused_at ELSE date_trunc('milliseconds', now()) END,
              paused_by = CASE WHEN paused THEN paused_by ELSE $4 END,
              paused = true, updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
       RETURNING ${ROW}`,
);

/** Resume schedule ($1, $2, $3): resumed_at moves only when it was paused (ticks before it fell while paused). */
export const resumeSchedule = statement(
  'resume_schedule',
  (n) => `UPDATE ${n.q}.schedules
          SET resumed_at = CASE WHEN paused THEN date_trunc('milliseconds', now()) ELSE resumed_at END,
              paused = false, updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
       RETURNING ${ROW}`,
);

/** Lock schedule ($1, $2, $3) for a tick or a trigger. Row: schedule_id, version, declared, paused. */
export const lockSchedule = statement(
  'lock_schedule',
  (n) => `SELECT schedule_id, version, declared, paused FROM ${n.q}.schedules
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
          FOR UPDATE`,
);

/** Record tick $2 (epoch ms) of schedule $1 unless it exists. Returns a row when this call recorded it. */
export const insertTick = statement(
  'insert_tick',
  (n) => `INSERT INTO ${n.q}.schedule_ticks (schedule_id, tick_at)
       VALUES ($1, 'epoch'::timestamptz + $2::float8 * interval '1 millisecond')
       ON CONFLICT (schedule_id, tick_at) DO NOTHING
       RETURNING schedule_id`,
);

/** The task of tick $2 (epoch ms) of schedule $1. Row: task_id. */
export const tickTask = statement(
  'tick_task',
  (n) => `SELECT task_id FROM ${n.q}.schedule_ticks
        WHERE schedule_id = $1 AND tick_at = 'epoch'::timestamptz + $2::float8 * interval '1 millisecond'`,
);

/**
 * Task $1 was created for tick $2 (epoch ms; NULL: triggered now) of schedule $3: stamp the task's scheduled_for, and
 * for a tick its row's task and the schedule's last tick, and delete its ticks older than its newest
 * TICKS_KEPT_PER_SCHEDULE. Row: scheduled_for (epoch ms).
 */
export const stampScheduledTask = statement(
  'stamp_scheduled_task',
  (n) => `WITH stamped AS (
         UPDATE ${n.q}.tasks
            SET scheduled_for = coalesce('epoch'::timestamptz + $2::float8 * interval '1 millisecond',
                                         date_trunc('milliseconds', now()))
          WHERE task_id = $1
         RETURNING scheduled_for
       ), tick AS (
         UPDATE ${n.q}.schedule_ticks SET task_id = $1
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
            AND tick_at = 'epoch'::timestamptz + $2::float8 * interval '1 millisecond'
       ), moved AS (
         UPDATE ${n.q}.schedules
            SET last_tick_at = greatest(last_tick_at, 'epoch'::timestamptz + $2::float8 * interval '1 millisecond'),
                last_task_id = CASE
                  WHEN last_tick_at IS NULL
                    OR last_tick_at <= 'epoch'::timestamptz + $2::float8 * interval '1 millisecond' THEN $1
                  ELSE last_task_id END
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
       ), trimmed AS (
         -- the schedule's ticks older than its newest ${TICKS_KEPT_PER_SCHEDULE} (the statement sees the tick inserted before it)
         DELETE FROM ${n.q}.schedule_ticks
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
            AND tick_at < (SELECT k.tick_at FROM ${n.q}.schedule_ticks k WHERE k.schedule_id = $3
                            ORDER BY k.tick_at DESC OFFSET ${TICKS_KEPT_PER_SCHEDULE - 1} LIMIT 1)
       )
       SELECT (round(extract(epoch from scheduled_for) * 1000))::float8 AS scheduled_for FROM stamped`,
);
