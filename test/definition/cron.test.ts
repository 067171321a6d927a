// Cron expressions of schedules (src/definition/cron.ts, croner): which expressions are refused and why, ticks from a
// fixed instant (no waiting), and what daylight-saving changes do in Europe/Paris, as docs/flow-control.md says.
import { describe, expect, it } from 'vitest';
import { compileCron, cronProblem, timezoneProblem } from '../../src/definition/cron.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The first `n` ticks strictly after `from`. */
function ticks(expression: string, timezone: string, from: string, n: number): string[] {
  const cron = compileCron(expression, timezone);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = cron.next(t)!;
    out.push(iso(t)!);
  }
  return out;
}

describe('cron expressions', () => {
  it('accepts five fields, six with seconds, and the @ nicknames', () => {
    for (const e of ['0 * * * *', '*/15 9-17 * * MON-FRI', '*/10 * * * * *', '0 0 1 1 *', '@hourly', '@daily']) {
      expect(cronProblem(e), e).toBeNull();
    }
  });

  it('refuses other field counts, bad values and expressions that never match, saying why', () => {
    expect(cronProblem('* * * *')).toMatch(/has 4 fields; a cron expression has five .* or six/);
    expect(cronProblem('0 0 * * * * 2030')).toMatch(/has 7 fields/);
    expect(cronProblem('61 * * * *')).toBe("'61 * * * *' is not a valid cron expression: Invalid value for minute: 61");
    expect(cronProblem('0 0 30 2 *')).toBe("'0 0 30 2 *' never matches a date");
    expect(cronProblem('@sometimes')).toMatch(/is not a valid cron expression/);
  });

  it('knows IANA time zones', () => {
    expect(timezoneProblem('Europe/Paris')).toBeNull();
    expect(timezoneProblem('UTC')).toBeNull();
    expect(timezoneProblem('Europe/Pariss')).toMatch(/not an IANA time zone/);
  });

  it('computes ticks strictly after an instant, and before one newest first', () => {
    expect(ticks('0 * * * *', 'UTC', '2026-01-01T10:00:00Z', 2)).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
    ]);
    expect(ticks('*/20 * * * * *', 'UTC', '2026-01-01T10:00:05.500Z', 3)).toEqual([
      '2026-01-01T10:00:20.000Z',
      '2026-01-01T10:00:40.000Z',
      '2026-01-01T10:01:00.000Z',
    ]);
    const hourly = compileCron('0 * * * *', 'UTC');
    expect(hourly.previous(at('2026-01-01T10:00:00Z'), 2).map(iso)).toEqual([
      '2026-01-01T09:00:00.000Z',
      '2026-01-01T08:00:00.000Z',
    ]);
    expect(hourly.previous(at('2026-01-01T10:00:00.001Z'), 1).map(iso)).toEqual(['2026-01-01T10:00:00.000Z']);
    expect(hourly.previous(at('2026-01-01T10:00:00Z'), 0)).toEqual([]);
  });

  it('reads the expression in its time zone', () => {
    // 09:00 in Paris is 08:00 UTC in winter (CET, +1) and 07:00 UTC in summer (CEST, +2).
    expect(ticks('0 9 * * *', 'Europe/Paris', '2026-01-15T00:00:00Z', 1)).toEqual(['2026-01-15T08:00:00.000Z']);
    expect(ticks('0 9 * * *', 'Europe/Paris', '2026-07-15T00:00:00Z', 1)).toEqual(['2026-07-15T07:00:00.000Z']);
  });

  describe('daylight saving in Europe/Paris (2026: spring forward 29 March 02:00 -> 03:00, fall back 25 October 03:00 -> 02:00)', () => {
    it('a fixed-time schedule in the skipped hour ticks at the first valid time after the gap, that day', () => {
      // 02:30 does not exist on 29 March: the tick is 03:00 CEST (01:00 UTC); the days around it are 02:30.
      expect(ticks('30 2 * * *', 'Europe/Paris', '2026-03-28T00:00:00Z', 3)).toEqual([
        '2026-03-28T01:30:00.000Z', // 02:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST
        '2026-03-30T00:30:00.000Z', // 02:30 CEST
      ]);
    });

    it('a fixed-time schedule in the repeated hour ticks once, at the first occurrence', () => {
      // 02:30 happens twice on 25 October (00:30 UTC in CEST, then 01:30 UTC in CET): one tick, the first.
      expect(ticks('30 2 * * *', 'Europe/Paris', '2026-10-24T12:00:00Z', 2)).toEqual([
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('an interval schedule skips the times of the gap and ticks on both occurrences of repeated times', () => {
      // Every 30 minutes: local 01:30, 03:00, 03:30 in spring (02:00 and 02:30 do not exist) …
      expect(ticks('*/30 * * * *', 'Europe/Paris', '2026-03-29T00:00:00Z', 3)).toEqual([
        '2026-03-29T00:30:00.000Z', // 01:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST
        '2026-03-29T01:30:00.000Z', // 03:30 CEST
      ]);
      // … and 02:00, 02:30 twice in autumn: every real half hour, none skipped, none doubled.
      expect(ticks('*/30 * * * *', 'Europe/Paris', '2026-10-24T23:45:00Z', 5)).toEqual([
        '2026-10-25T00:00:00.000Z', // 02:00 CEST
        '2026-10-25T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T01:00:00.000Z', // 02:00 CET
        '2026-10-25T01:30:00.000Z', // 02:30 CET
        '2026-10-25T02:00:00.000Z', // 03:00 CET
      ]);
    });

    it('previous ticks agree with next ticks across the change', () => {
      const cron = compileCron('30 2 * * *', 'Europe/Paris');
      expect(cron.previous(at('2026-03-30T12:00:00Z'), 2).map(iso)).toEqual([
        '2026-03-30T00:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
      ]);
      expect(cron.previous(at('2026-10-26T12:00:00Z'), 2).map(iso)).toEqual([
        '2026-10-26T01:30:00.000Z',
        '2026-10-25T00:30:00.000Z',
      ]);
    });
  });
});
