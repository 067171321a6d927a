-- listSchedules (tasker_list_schedules)
SELECT (round(extract(epoch from now()) * 1000))::float8 AS now, s.*
         FROM (SELECT 1) AS one
         LEFT JOIN (SELECT schedule_id, namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
         enabled, context, paused, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, paused_by,
         (round(extract(epoch from resumed_at) * 1000))::float8 AS resumed_at,
         (round(extract(epoch from last_tick_at) * 1000))::float8 AS last_tick_at, last_task_id,
         (round(extract(epoch from created_at) * 1000))::float8 AS created_at,
         (round(extract(epoch from updated_at) * 1000))::float8 AS updated_at FROM "tasker".schedules) AS s ON true
        ORDER BY s.namespace, s.template_name, s.schedule_name;

-- insertSchedule (tasker_insert_schedule)
INSERT INTO "tasker".schedules (namespace, template_name, schedule_name, version, declared, cron, timezone,
                                catch_up, enabled, context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (namespace, template_name, schedule_name) DO NOTHING
       RETURNING schedule_id;

-- updateSchedule (tasker_update_schedule)
UPDATE "tasker".schedules
          SET version = $4, declared = $5, cron = $6, timezone = $7, catch_up = $8, enabled = $9, context = $10::jsonb,
              updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3 AND version = $11
       RETURNING schedule_id;

-- pauseSchedule (tasker_pause_schedule)
UPDATE "tasker".schedules
          SET paused_at = CASE WHEN paused THEN paused_at ELSE date_trunc('milliseconds', now()) END,
              paused_by = CASE WHEN paused THEN paused_by ELSE $4 END,
              paused = true, updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
       RETURNING schedule_id, namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
         enabled, context, paused, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, paused_by,
         (round(extract(epoch from resumed_at) * 1000))::float8 AS resumed_at,
         (round(extract(epoch from last_tick_at) * 1000))::float8 AS last_tick_at, last_task_id,
         (round(extract(epoch from created_at) * 1000))::float8 AS created_at,
         (round(extract(epoch from updated_at) * 1000))::float8 AS updated_at;

-- resumeSchedule (tasker_resume_schedule)
UPDATE "tasker".schedules
          SET resumed_at = CASE WHEN paused THEN date_trunc('milliseconds', now()) ELSE resumed_at END,
              paused = false, updated_at = date_trunc('milliseconds', now())
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
       RETURNING schedule_id, namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
         enabled, context, paused, (round(extract(epoch from paused_at) * 1000))::float8 AS paused_at, paused_by,
         (round(extract(epoch from resumed_at) * 1000))::float8 AS resumed_at,
         (round(extract(epoch from last_tick_at) * 1000))::float8 AS last_tick_at, last_task_id,
         (round(extract(epoch from created_at) * 1000))::float8 AS created_at,
         (round(extract(epoch from updated_at) * 1000))::float8 AS updated_at;

-- lockSchedule (tasker_lock_schedule)
SELECT schedule_id, version, declared, paused FROM "tasker".schedules
        WHERE namespace = $1 AND template_name = $2 AND schedule_name = $3
          FOR UPDATE;

-- insertTick (tasker_insert_tick)
INSERT INTO "tasker".schedule_ticks (schedule_id, tick_at)
       VALUES ($1, 'epoch'::timestamptz + $2::float8 * interval '1 millisecond')
       ON CONFLICT (schedule_id, tick_at) DO NOTHING
       RETURNING schedule_id;

-- tickTask (tasker_tick_task)
SELECT task_id FROM "tasker".schedule_ticks
        WHERE schedule_id = $1 AND tick_at = 'epoch'::timestamptz + $2::float8 * interval '1 millisecond';

-- stampScheduledTask (tasker_stamp_scheduled_task)
WITH stamped AS (
         UPDATE "tasker".tasks
            SET scheduled_for = coalesce('epoch'::timestamptz + $2::float8 * interval '1 millisecond',
                                         date_trunc('milliseconds', now()))
          WHERE task_id = $1
         RETURNING scheduled_for
       ), tick AS (
         UPDATE "tasker".schedule_ticks SET task_id = $1
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
            AND tick_at = 'epoch'::timestamptz + $2::float8 * interval '1 millisecond'
       ), moved AS (
         UPDATE "tasker".schedules
            SET last_tick_at = greatest(last_tick_at, 'epoch'::timestamptz + $2::float8 * interval '1 millisecond'),
                last_task_id = CASE
                  WHEN last_tick_at IS NULL
                    OR last_tick_at <= 'epoch'::timestamptz + $2::float8 * interval '1 millisecond' THEN $1
                  ELSE last_task_id END
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
       ), trimmed AS (
         -- the schedule's ticks older than its newest 100 (the statement sees the tick inserted before it)
         DELETE FROM "tasker".schedule_ticks
          WHERE $2::float8 IS NOT NULL AND schedule_id = $3
            AND tick_at < (SELECT k.tick_at FROM "tasker".schedule_ticks k WHERE k.schedule_id = $3
                            ORDER BY k.tick_at DESC OFFSET 99 LIMIT 1)
       )
       SELECT (round(extract(epoch from scheduled_for) * 1000))::float8 AS scheduled_for FROM stamped;
