// Durations written for people: a number and a unit (`500ms`, `90s`, `5m`, `12h`, `30d`, `2w`), read into
// milliseconds. One grammar for every option, flag and API field that takes one.

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const DURATION_UNITS = Object.keys(UNITS_MS) as Array<keyof typeof UNITS_MS>;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** Milliseconds of a duration such as `90s` or `30d` (fractions allowed: `1.5h`); null when `text` is not one. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS]);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** A duration in the largest unit that divides it (`2592000000` → `30d`), for messages and help. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms !== 0 && ms % UNITS_MS[unit] === 0) return `${ms / UNITS_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
