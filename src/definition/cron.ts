// Cron expressions of template schedules, through `croner` (docs/ARCHITECTURE.md, "Dependencies and why"): checking
// an expression and a time zone, and the tick times of one in real time (epoch ms). Five fields (minute precision) or
// six (seconds first); the nicknames `@hourly`, `@daily` … are accepted too. Day of month and day of week combine
// with OR, as in Vixie cron. Daylight-saving changes (docs/flow-control.md, "Cron schedules"): a fixed-time schedule
// (one value in each of second, minute and hour, e.g. `30 2 * * *`) whose time does not exist that day (clocks
// spring forward) ticks at the first valid time after the gap, and ticks once when its time occurs twice (clocks fall
// back), at the first occurrence; any other schedule (`*/15 * * * *`, `0 1,2 * * *`) skips times in the gap and
// ticks on both occurrences of a repeated time. Ticks move in real time, so they never go backwards.
import { Cron } from 'croner';

export const DEFAULT_TIMEZONE = 'UTC';

/** A compiled schedule: its ticks after or before an instant, as epoch milliseconds. */
export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first tick strictly after `after`; null when the expression has no further tick. */
  next(after: number): number | null;
  /** Up to `count` ticks strictly before `before`, newest first. */
  previous(before: number, count: number): number[];
}

const FIELD_COUNTS = new Set([5, 6]);

/** Why `timezone` is not an IANA time zone this runtime knows, or null when it is one. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `'${timezone}' is not an IANA time zone (for example UTC, Europe/Paris, America/New_York)`;
  }
}

/** Why `expression` is not a cron expression a schedule can use, or null when it is one (time zone checked apart). */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (!text.startsWith('@')) {
    const fields = text.split(/\s+/).length;
    if (!FIELD_COUNTS.has(fields)) {
      return (
        `'${expression}' has ${fields} field${fields === 1 ? '' : 's'}; a cron expression has five ` +
        '(minute hour day-of-month month day-of-week) or six (a second first)'
      );
    }
  }
  let cron: Cron;
  try {
    cron = makeCron(text, DEFAULT_TIMEZONE);
  } catch (err) {
    return `'${expression}' is not a valid cron expression: ${cronMessage(err)}`;
  }
  // Far enough ahead for any calendar rule (a leap day and a weekday meet within 28 years).
  if (cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `'${expression}' never matches a date`;
  return null;
}

/** Compile a checked expression in a checked time zone. Throws on a bad one (templates are validated before). */
export function compileCron(expression: string, timezone: string = DEFAULT_TIMEZONE): CronSchedule {
  const cron = makeCron(expression.trim(), timezone);
  return {
    expression,
    timezone,
    next(after) {
      return cron.nextRun(new Date(after))?.getTime() ?? null;
    },
    previous(before, count) {
      if (count <= 0) return [];
      return cron.previousRuns(count, new Date(before)).map((d) => d.getTime());
    },
  };
}

function makeCron(expression: string, timezone: string): Cron {
  return new Cron(expression, { paused: true, timezone, mode: '5-or-6-parts' });
}

/** croner prefixes its messages with the class that threw (`CronPattern: …`); keep what is said about the pattern. */
function cronMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Cron\w*:\s*/, '');
}
