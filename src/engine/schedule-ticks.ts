// Which ticks of one schedule a scheduler pass creates (docs/flow-control.md, "Cron schedules"), as a pure function
// of the schedule's stored state, this process's view and `now`, so it is tested from fixed instants.
//
// A tick is *on time* for a process when it falls at or after `onTimeFrom`: the process was watching the schedule,
// unpaused, from then on (it started, or the schedule or its template was resumed). Every on-time tick up to `now`
// is created (the newest MAX_TICKS_PER_PASS when a stalled process finds more), whichever process gets there first.
// A tick before `onTimeFrom` and after the last recorded tick fell while nothing could create it — no process was
// running, or the schedule was paused: it is *missed*, and `catch_up` decides: `none` skips it, `latest` creates the
// newest one, `all` each of them, at most MAX_MISSED_TICKS (the oldest are dropped). Missed ticks are looked at once
// per `onTimeFrom`; ticks another process already created are found in the tick table and cost nothing more.
import type { CronSchedule } from '../definition/cron.js';
import type { CatchUp } from '../definition/model.js';

/** `catch_up: all` creates at most this many missed ticks, the newest. */
export const MAX_MISSED_TICKS = 100;
/** A pass creates at most this many on-time ticks of one schedule (a process that stalled longer), the newest. */
export const MAX_TICKS_PER_PASS = 100;

export interface TickWindow {
  cron: CronSchedule;
  catchUp: CatchUp;
  /** The latest tick recorded in the store (any process), or null. */
  lastTickAt: number | null;
  /** When the schedule's row was made: no tick before it belongs to the schedule. */
  createdAt: number;
  /** Ticks at or after this are on time for this process. */
  onTimeFrom: number;
  /** This process already handled the on-time ticks up to here (null: none yet). */
  doneThrough: number | null;
  /** Missed ticks before `onTimeFrom` were already looked at. */
  catchUpDone: boolean;
  now: number;
}

export interface DueTicks {
  /** Missed ticks to create (catch_up), oldest first. */
  missed: number[];
  /** On-time ticks to create, oldest first. */
  onTime: number[];
}

export function dueTicks(w: TickWindow): DueTicks {
  return { missed: w.catchUpDone ? [] : missedTicks(w), onTime: onTimeTicks(w) };
}

function missedTicks(w: TickWindow): number[] {
  if (w.catchUp === 'none') return [];
  const after = w.lastTickAt ?? w.createdAt;
  const count = w.catchUp === 'latest' ? 1 : MAX_MISSED_TICKS;
  return w.cron
    .previous(w.onTimeFrom, count)
    .filter((t) => t > after)
    .reverse();
}

/** Walk forward from the last handled tick (cheap: usually one step); past the cap, take the newest from `now`. */
function onTimeTicks(w: TickWindow): number[] {
  const from = w.doneThrough === null ? w.onTimeFrom - 1 : Math.max(w.doneThrough, w.onTimeFrom - 1);
  const out: number[] = [];
  for (let t = w.cron.next(from); t !== null && t <= w.now; t = w.cron.next(t)) {
    if (out.length === MAX_TICKS_PER_PASS) {
      return w.cron
        .previous(w.now + 1, MAX_TICKS_PER_PASS)
        .filter((x) => x > from)
        .reverse();
    }
    out.push(t);
  }
  return out;
}
