// PostgreSQL migration 8, frozen: cron schedules (issue 14), expand-only (new tables and a nullable column; older code
// keeps working on the upgraded schema).
// - schedules: one row per schedule (namespace, template name, schedule name), holding the definition of the newest
//   template version that declares it (`version`, `declared` false once that version dropped it), whether it is
//   paused (by whom, when; `resumed_at` bounds which ticks fell while paused) and its last tick.
// - schedule_ticks: one row per tick that created a task. Its primary key (schedule_id, tick_at) is what makes a tick
//   create exactly one task however many processes tick; no foreign key to tasks, so pruning a task keeps its tick.
// - tasks.scheduled_for: the tick a task was created for (or when a schedule was triggered by hand); NULL otherwise.
// Numbers 7, 10 and 11 were reserved by parallel work of the same release, 9 too.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0008 = (n: SchemaNames): string[] => [
  `CREATE TABLE ${n.q}.schedules (
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
    )`,
  `CREATE TABLE ${n.q}.schedule_ticks (
      schedule_id bigint NOT NULL REFERENCES ${n.q}.schedules (schedule_id) ON DELETE CASCADE,
      tick_at timestamptz NOT NULL,
      task_id bigint,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      PRIMARY KEY (schedule_id, tick_at)
    )`,
  `ALTER TABLE ${n.q}.tasks ADD COLUMN scheduled_for timestamptz`,
];
