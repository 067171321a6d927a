// Which ticks a scheduler pass creates (src/engine/schedule-ticks.ts), from fixed states and instants: on-time ticks,
// and missed ones by catch_up mode (none, latest, all bounded to 100), after downtime and after a pause.
import { describe, expect, it } from 'vitest';
import { compileCron } from '../../src/definition/cron.js';
import { dueTicks, MAX_MISSED_TICKS, MAX_TICKS_PER_PASS, type TickWindow } from '../../src/engine/schedule-ticks.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const S = 1000;
const MIN = 60 * S;
const everyMinute = compileCron('* * * * *', 'UTC');
const everySecond = compileCron('* * * * * *', 'UTC');

function window(over: Partial<TickWindow>): TickWindow {
  return {
    cron: everyMinute,
    catchUp: 'none',
    lastTickAt: null,
    createdAt: T0,
    onTimeFrom: T0,
    doneThrough: null,
    catchUpDone: false,
    now: T0,
    ...over,
  };
}

const minutes = (...ns: number[]) => ns.map((n) => T0 + n * MIN);

describe('due ticks of a schedule', () => {
  it('creates each on-time tick up to now, the tick at onTimeFrom included, and nothing twice', () => {
    expect(dueTicks(window({ now: T0 + 30 * S }))).toEqual({ missed: [], onTime: [T0] });
    expect(dueTicks(window({ now: T0 + 3 * MIN }))).toEqual({ missed: [], onTime: minutes(0, 1, 2, 3) });
    expect(dueTicks(window({ now: T0 + 3 * MIN, doneThrough: T0 + MIN + 1 }))).toEqual({
      missed: [],
      onTime: minutes(2, 3),
    });
    expect(dueTicks(window({ now: T0 + 3 * MIN - 1, doneThrough: T0 + 3 * MIN - 1 })).onTime).toEqual([]);
    // A process that started between ticks: its first on-time tick is the next one.
    expect(dueTicks(window({ onTimeFrom: T0 + 10 * S, now: T0 + 2 * MIN })).onTime).toEqual(minutes(1, 2));
  });

  it('a process that stalled creates the newest 100 on-time ticks', () => {
    const w = window({ cron: everySecond, now: T0 + 1000 * S });
    const { onTime } = dueTicks(w);
    expect(onTime).toHaveLength(MAX_TICKS_PER_PASS);
    expect(onTime[0]).toBe(T0 + 901 * S);
    expect(onTime.at(-1)).toBe(T0 + 1000 * S);
  });

  describe('after nothing ran from the last tick at 10:02 to a restart at 10:10:30', () => {
    const state = { lastTickAt: T0 + 2 * MIN, onTimeFrom: T0 + 10 * MIN + 30 * S, now: T0 + 11 * MIN + 5 * S };

    it('catch_up none skips the missed ticks', () => {
      expect(dueTicks(window({ ...state, catchUp: 'none' }))).toEqual({ missed: [], onTime: minutes(11) });
    });

    it('catch_up latest creates the newest missed tick only', () => {
      expect(dueTicks(window({ ...state, catchUp: 'latest' }))).toEqual({ missed: minutes(10), onTime: minutes(11) });
    });

    it('catch_up all creates every missed tick, oldest first', () => {
      expect(dueTicks(window({ ...state, catchUp: 'all' }))).toEqual({
        missed: minutes(3, 4, 5, 6, 7, 8, 9, 10),
        onTime: minutes(11),
      });
    });

    it('looks at missed ticks once per onTimeFrom', () => {
      expect(dueTicks(window({ ...state, catchUp: 'all', catchUpDone: true })).missed).toEqual([]);
    });
  });

  it('catch_up all is bounded to the newest 100 missed ticks', () => {
    const w = window({
      cron: everySecond,
      catchUp: 'all',
      lastTickAt: T0,
      onTimeFrom: T0 + 500 * S + 1,
      now: T0 + 501 * S,
    });
    const { missed } = dueTicks(w);
    expect(missed).toHaveLength(MAX_MISSED_TICKS);
    expect(missed[0]).toBe(T0 + 401 * S);
    expect(missed.at(-1)).toBe(T0 + 500 * S);
  });

  it('before the first tick, the schedule row creation bounds the missed ticks', () => {
    const w = window({
      catchUp: 'all',
      createdAt: T0 + 5 * MIN + 1,
      onTimeFrom: T0 + 8 * MIN + 1,
      now: T0 + 8 * MIN + 1,
    });
    expect(dueTicks(w).missed).toEqual(minutes(6, 7, 8));
  });

  it('ticks that fell while the schedule was paused are missed: onTimeFrom is the resume', () => {
    // Paused 10:02:30, resumed 10:06:15, last tick 10:02; a pass at 10:07:00.
    const paused = { lastTickAt: T0 + 2 * MIN, onTimeFrom: T0 + 6 * MIN + 15 * S, now: T0 + 7 * MIN };
    expect(dueTicks(window({ ...paused, catchUp: 'none' }))).toEqual({ missed: [], onTime: minutes(7) });
    expect(dueTicks(window({ ...paused, catchUp: 'latest' }))).toEqual({ missed: minutes(6), onTime: minutes(7) });
    expect(dueTicks(window({ ...paused, catchUp: 'all' }))).toEqual({
      missed: minutes(3, 4, 5, 6),
      onTime: minutes(7),
    });
  });

  it('a last tick at or after onTimeFrom leaves nothing missed', () => {
    const w = window({ catchUp: 'all', lastTickAt: T0 + 4 * MIN, onTimeFrom: T0 + 3 * MIN, now: T0 + 4 * MIN });
    expect(dueTicks(w).missed).toEqual([]);
  });
});
