// RFC 3339 times (the API's `created_after` and `created_before`, a task request's `run_at`) as epoch milliseconds.
// `Date.parse` is not used: it answers NaN for leap seconds and lower-case `t`/`z`, and reads years 0-99 as 1900-1999
// through Date.UTC.
// A leap second (hh:59:60) counts as the first instant of the next minute, as POSIX clocks do; fractions finer than
// a millisecond are rounded down (`floor`) or up (`ceil`), so an exclusive bound stays exact on millisecond data.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch milliseconds of an RFC 3339 date-time, or null when `text` is not one (including impossible dates). */
export function parseRfc3339(text: string, rounding: 'floor' | 'ceil' = 'floor'): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ?? '';
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 60)
    return null;
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0));
  if (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11] ?? 0) > 59)) return null;
  // A leap second is only ever inserted at 23:59:60 UTC.
  if (second === 60 && (((hour * 60 + minute - offsetMinutes) % 1440) + 1440) % 1440 !== 1439) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let ms = date.getTime() - offsetMinutes * 60_000;
  if (fraction) {
    const whole = Number(fraction.slice(0, 3).padEnd(3, '0'));
    const finer = /[1-9]/.test(fraction.slice(3));
    ms += whole + (finer && rounding === 'ceil' ? 1 : 0);
  }
  return ms;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
