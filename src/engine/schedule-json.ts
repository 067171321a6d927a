// A schedule's JSON shape, shared by `tasker schedules list --json` and the REST API: its definition (from the
// newest template version that declares it), its pause state, its last tick and its next one.
import type { ScheduleCatchUp, ScheduleRecord } from '../core/store-contract.js';
import { compileCron } from '../definition/cron.js';
import { iso } from './task-json.js';

export interface ScheduleJson {
  namespace: string;
  /** The template's name. */
  name: string;
  /** The schedule's name within the template. */
  schedule: string;
  /** The template version whose declaration applies. */
  version: string;
  /** False when that version no longer declares the schedule: it ticks no more. */
  declared: boolean;
  cron: string;
  timezone: string;
  catch_up: ScheduleCatchUp;
  enabled: boolean;
  context: unknown;
  paused: boolean;
  paused_at: string | null;
  paused_by: string | null;
  resumed_at: string | null;
  /** The latest tick that created a task (manual triggers are not ticks). */
  last_tick_at: string | null;
  last_task_id: number | null;
  /** The next tick, when the schedule ticks (declared, enabled, not paused); else null. */
  next_tick_at: string | null;
}

function nextTickAt(r: ScheduleRecord, now: number): number | null {
  if (!r.declared || !r.enabled || r.paused) return null;
  try {
    return compileCron(r.cron, r.timezone).next(now);
  } catch {
    return null; // a row written by a release whose expressions this one does not read
  }
}

export function scheduleJson(r: ScheduleRecord, now: number): ScheduleJson {
  return {
    namespace: r.namespace,
    name: r.template,
    schedule: r.schedule,
    version: r.version,
    declared: r.declared,
    cron: r.cron,
    timezone: r.timezone,
    catch_up: r.catch_up,
    enabled: r.enabled,
    context: r.context,
    paused: r.paused,
    paused_at: iso(r.paused_at),
    paused_by: r.paused_by,
    resumed_at: iso(r.resumed_at),
    last_tick_at: iso(r.last_tick_at),
    last_task_id: r.last_task_id,
    next_tick_at: iso(nextTickAt(r, now)),
  };
}
