-- 8: cron schedules: schedules, ticks, tasks.scheduled_for

-- statement 1 of 3
CREATE TABLE "tasker".schedules (
      schedule_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      namespace text NOT NULL,
      template_name text NOT NULL,
      schedule_name text NOT NULL,
      version text NOT NULL,
      declared boolean NOT NULL DEFAULT true,
      cron text NOT NULL,
      timezone text NOT NULL,
      catch_up text NOT NULL CHECK (catch_up IN ('none', 'latest', 'all')),
      enabled boolean NOT NULL,
      context jsonb NOT NULL,
      paused boolean NOT NULL DEFAULT false,
      paused_at timestamptz,
      paused_by text,
      resumed_at timestamptz,
      last_tick_at timestamptz,
      last_task_id bigint,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      UNIQUE (namespace, template_name, schedule_name)
    );

-- statement 2 of 3
CREATE TABLE "tasker".schedule_ticks (
      schedule_id bigint NOT NULL REFERENCES "tasker".schedules (schedule_id) ON DELETE CASCADE,
      tick_at timestamptz NOT NULL,
      task_id bigint,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      PRIMARY KEY (schedule_id, tick_at)
    );

-- statement 3 of 3
ALTER TABLE "tasker".tasks ADD COLUMN scheduled_for timestamptz;
