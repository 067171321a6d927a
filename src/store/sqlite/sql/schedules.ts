// Cron schedules on SQLite (../schedules.ts): schedule rows (definition, pause state, last tick) and the tick table
// whose primary key (schedule_id, tick_at) makes each tick create one task. A tick is one IMMEDIATE transaction:
// read the schedule row, insert the tick (nothing when it exists), create the task, stamp it and the tick, move
// last_tick_at, delete the schedule's ticks older than its newest 100. Times are epoch ms.
import { TICKS_KEPT_PER_SCHEDULE } from '../../../core/store-schedules.js';

/** Every schedule row, by namespace, template and schedule name. */
export const listSchedules = 'SELECT * FROM schedules ORDER BY namespace, template_name, schedule_name';

/**
 * Insert a schedule unless it exists: namespace, template name, schedule name, version, declared (0/1), cron,
 * timezone, catch_up, enabled (0/1), context (JSON), created and updated at. Changes 1 row when it did.
 */
export const insertSchedule = `
    INSERT INTO schedules (namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
                           enabled, context, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (namespace, template_name, schedule_name) DO NOTHING`;

/**
 * Replace a schedule's definition while its version is still the one expected: version, declared, cron, timezone,
 * catch_up, enabled, context, updated at, then namespace, template name, schedule name, expected version.
 */
export const updateSchedule = `
    UPDATE schedules
       SET version = ?, declared = ?, cron = ?, timezone = ?, catch_up = ?, enabled = ?, context = ?, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ? AND version = ?`;

/**
 * Pause (a paused one keeps when and by whom): at ?, by ?, updated at ?, then namespace, template name, schedule name.
 * Returns the row.
 */
export const pauseSchedule = `
    UPDATE schedules
       SET paused_at = CASE WHEN paused = 1 THEN paused_at ELSE ? END,
           paused_by = CASE WHEN paused = 1 THEN paused_by ELSE ? END,
           paused = 1, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ?
    RETURNING *`;

/**
 * Resume (resumed_at moves only when it was paused): at ?, updated at ?, then namespace, template name, schedule
 * name. Returns the row.
 */
export const resumeSchedule = `
    UPDATE schedules
       SET resumed_at = CASE WHEN paused = 1 THEN ? ELSE resumed_at END, paused = 0, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ?
    RETURNING *`;

/** The schedule a tick or trigger is for: namespace, template name, schedule name. */
export const scheduleForTick =
  'SELECT schedule_id, version, declared, paused FROM schedules WHERE namespace = ? AND template_name = ? AND schedule_name = ?';

/** Record a tick unless it exists: schedule id, tick at, created at. Changes 1 row when it did. */
export const insertTick = `
    INSERT INTO schedule_ticks (schedule_id, tick_at, created_at) VALUES (?, ?, ?)
    ON CONFLICT (schedule_id, tick_at) DO NOTHING`;

/** Delete the ticks of schedule ? older than its newest TICKS_KEPT_PER_SCHEDULE (schedule id twice). */
export const trimTicks = `
    DELETE FROM schedule_ticks
     WHERE schedule_id = ? AND tick_at < (SELECT tick_at FROM schedule_ticks WHERE schedule_id = ?
                                           ORDER BY tick_at DESC LIMIT 1 OFFSET ${TICKS_KEPT_PER_SCHEDULE - 1})`;

/** The task of a tick: schedule id, tick at. */
export const tickTask = 'SELECT task_id FROM schedule_ticks WHERE schedule_id = ? AND tick_at = ?';

/** A task was created for a tick (or a trigger): scheduled for ?, task ?. */
export const stampTask = 'UPDATE tasks SET scheduled_for = ? WHERE task_id = ?';

/** The tick's task: task ?, schedule ?, tick at ?. */
export const stampTick = 'UPDATE schedule_ticks SET task_id = ? WHERE schedule_id = ? AND tick_at = ?';

/** The last tick moves forward unless a later one exists: tick at, task, tick at, tick at, tick at, schedule id. */
export const moveLastTick = `
    UPDATE schedules
       SET last_task_id = CASE WHEN last_tick_at IS NULL OR last_tick_at <= ? THEN ? ELSE last_task_id END,
           last_tick_at = max(coalesce(last_tick_at, ?), ?)
     WHERE schedule_id = ?`;
