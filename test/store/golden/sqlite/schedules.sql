-- listSchedules
SELECT * FROM schedules ORDER BY namespace, template_name, schedule_name;

-- insertSchedule

    INSERT INTO schedules (namespace, template_name, schedule_name, version, declared, cron, timezone, catch_up,
                           enabled, context, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (namespace, template_name, schedule_name) DO NOTHING;

-- updateSchedule

    UPDATE schedules
       SET version = ?, declared = ?, cron = ?, timezone = ?, catch_up = ?, enabled = ?, context = ?, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ? AND version = ?;

-- pauseSchedule

    UPDATE schedules
       SET paused_at = CASE WHEN paused = 1 THEN paused_at ELSE ? END,
           paused_by = CASE WHEN paused = 1 THEN paused_by ELSE ? END,
           paused = 1, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ?
    RETURNING *;

-- resumeSchedule

    UPDATE schedules
       SET resumed_at = CASE WHEN paused = 1 THEN ? ELSE resumed_at END, paused = 0, updated_at = ?
     WHERE namespace = ? AND template_name = ? AND schedule_name = ?
    RETURNING *;

-- scheduleForTick
SELECT schedule_id, version, declared, paused FROM schedules WHERE namespace = ? AND template_name = ? AND schedule_name = ?;

-- insertTick

    INSERT INTO schedule_ticks (schedule_id, tick_at, created_at) VALUES (?, ?, ?)
    ON CONFLICT (schedule_id, tick_at) DO NOTHING;

-- trimTicks

    DELETE FROM schedule_ticks
     WHERE schedule_id = ? AND tick_at < (SELECT tick_at FROM schedule_ticks WHERE schedule_id = ?
                                           ORDER BY tick_at DESC LIMIT 1 OFFSET 99);

-- tickTask
SELECT task_id FROM schedule_ticks WHERE schedule_id = ? AND tick_at = ?;

-- stampTask
UPDATE tasks SET scheduled_for = ? WHERE task_id = ?;

-- stampTick
UPDATE schedule_ticks SET task_id = ? WHERE schedule_id = ? AND tick_at = ?;

-- moveLastTick

    UPDATE schedules
       SET last_task_id = CASE WHEN last_tick_at IS NULL OR last_tick_at <= ? THEN ? ELSE last_task_id END,
           last_tick_at = max(coalesce(last_tick_at, ?), ?)
     WHERE schedule_id = ?;
