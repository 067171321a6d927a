// Durations as people write them: `90s`, `5m`, `2h`, `1d`, `2w`, `250ms`, combinations such as `1h30m`, or a whole
// number of milliseconds (a number, or digits). One parser for every place that takes a duration (a task's `delay`,
// the CLI's `--delay`, retention ages and intervals), so they accept and refuse the same texts with the same message.

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PART = /(\d+)(ms|s|m|h|d|w)/y;
const EXPECTED = "a duration such as '90s', '5m', '2h', '1d', '1h30m' or a whole number of milliseconds";

/** What a duration must look like, for error messages. */
export const DURATION_EXPECTED = EXPECTED;

/**
 * The milliseconds `value` stands for, or a message saying why it is no duration (negative, fractional, unknown
 * unit, beyond Number.MAX_SAFE_INTEGER). Never throws.
 */
export function parseDuration(value: unknown): { ms: number } | { error: string } {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return { ms: value };
    return { error: `must be ${EXPECTED}, got ${String(value)}` };
  }
  if (typeof value !== 'string') return { error: `must be ${EXPECTED}, got ${value === null ? 'null' : typeof value}` };
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? { ms } : { error: `must be ${EXPECTED}, got '${value}' (too large)` };
  }
  let total = 0;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    if (!m) return { error: `must be ${EXPECTED}, got '${value}'` };
    total += Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS];
    at = PART.lastIndex;
  }
  if (text.length === 0) return { error: `must be ${EXPECTED}, got an empty string` };
  if (!Number.isSafeInteger(total)) return { error: `must be ${EXPECTED}, got '${value}' (too large)` };
  return { ms: total };
}

/**
 * The milliseconds of a duration text with units (as parseDuration reads it), or null when it is not one. Digits
 * alone are refused here: where an age is expected (retention), a bare `30` is more likely days than milliseconds.
 */
export function durationMs(text: string): number | null {
  if (/^\s*\d+\s*$/.test(text)) return null;
  const parsed = parseDuration(text);
  return 'ms' in parsed ? parsed.ms : null;
}

/** A duration in the largest unit that divides it (`2592000000` → `30d`), for messages and help. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms !== 0 && ms % UNITS_MS[unit] === 0) return `${ms / UNITS_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
