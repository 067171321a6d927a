// The store's part of cron schedules (docs/flow-control.md, "Cron schedules"): a row per schedule (the definition of
// the newest template version that declares it, whether it is paused, its last tick) and a tick table whose key,
// (schedule, tick time), lets exactly one task exist per tick however many processes tick — a unique key of its own,
// not an idempotency key, so pruning tasks never frees a tick to be created again. The Store interface exposes it as
// `store.schedules`; store-contract.ts re-exports these types.
import type { FinalizedTask, NewTask } from './store-hot-path.js';
import type { TaskId } from './store-records.js';

/**
 * Tick rows kept per schedule: recording a tick deletes the schedule's ticks older than its newest this many. No
 * process asks for a tick at or before the schedule's last tick except among the newest 100 cron ticks before now
 * (catch-up and on-time ticks are each bounded to 100), so no deleted tick is ever created again.
 */
export const TICKS_KEPT_PER_SCHEDULE = 100;

/** What a schedule does with ticks that fell while nothing could create them (the template's `catch_up`). */
export type ScheduleCatchUp = 'none' | 'latest' | 'all';

/** A schedule's identity: its template's namespace and name, and its own name within the template. */
export interface ScheduleKey {
  namespace: string;
  /** The template's name. */
  template: string;
  /** The schedule's name within the template. */
  schedule: string;
}

/** A schedule as the newest registered version of its template declares it. */
export interface ScheduleDefinition extends ScheduleKey {
  /** The template version whose declaration applies; ticks create tasks of this version. */
  version: string;
  /** False when that version no longer declares the schedule (it was removed): it ticks no more. */
  declared: boolean;
  cron: string;
  timezone: string;
  catch_up: ScheduleCatchUp;
  enabled: boolean;
  context: unknown;
}

/** A schedule's row: its definition and its state. Times are epoch ms (store clock). */
export interface ScheduleRecord extends ScheduleDefinition {
  schedule_id: number;
  paused: boolean;
  paused_at: number | null;
  /** Who paused it (the actor of the last pause). */
  paused_by: string | null;
  /** When it was last resumed: ticks before this fell while it was paused. */
  resumed_at: number | null;
  /** The latest tick time that created a task (not a manual trigger); null before the first. */
  last_tick_at: number | null;
  last_task_id: TaskId | null;
  /** When the row was made: ticks before it never belonged to the schedule. */
  created_at: number;
  updated_at: number;
}

export interface ScheduleList {
  /** The store's clock when the rows were read. */
  now: number;
  schedules: ScheduleRecord[];
}

/** Create the task of one tick (`tick_at`), or of a manual trigger (`tick_at` null: no tick is recorded). */
export interface ScheduledTaskRequest {
  key: ScheduleKey;
  /** The version the caller ticks for: refused (`superseded`) unless it is still the row's version. */
  version: string;
  tick_at: number | null;
  task: NewTask;
}

export type ScheduledTaskResult =
  | {
      outcome: 'created';
      task_id: TaskId;
      /** The tick time, or for a trigger the store's clock at creation. */
      scheduled_for: number;
      finalized: FinalizedTask | null;
    }
  /** The tick already has its task (another process created it); nothing was written. */
  | { outcome: 'exists'; task_id: TaskId | null }
  /** Nothing was written: the schedule is paused, or a newer version owns it, or it has no row. */
  | { outcome: 'paused' | 'superseded' | 'unknown' };

export interface ScheduleStore {
  /** Every schedule row, and the store's clock. */
  listSchedules(): Promise<ScheduleList>;
  /**
   * Write a schedule's definition: with `expectedVersion` null, insert it unless a row exists; otherwise update the
   * row only while its version is still `expectedVersion` (compare and set, so concurrent writers cannot interleave).
   * True when this call wrote it. Pause state and ticks are kept.
   */
  saveSchedule(def: ScheduleDefinition, expectedVersion: string | null): Promise<boolean>;
  /** Pause or resume a schedule, recording who; the row after, or null when there is no such schedule. */
  setSchedulePaused(key: ScheduleKey, paused: boolean, actor: string): Promise<ScheduleRecord | null>;
  /**
   * In one transaction: record the tick (unique per schedule and tick time), create the task with `scheduled_for`
   * and move the schedule's last tick forward. A tick that exists, a paused schedule, or one whose version is no
   * longer `version` writes nothing. A trigger (`tick_at` null) only creates the task (paused or not).
   */
  createScheduledTask(req: ScheduledTaskRequest): Promise<ScheduledTaskResult>;
}
