// Test support for rate limits: the most starts any half-open window [t, t + period) holds, from start times.

/** The most starts in any half-open window [t, t + period) of the start times (any order). */
export function busiestWindow(starts: readonly number[], period: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + period) j += 1;
    most = Math.max(most, j - i);
  }
  return most;
}

/**
 * The shortest time `n` starts of one bucket can spread over: it never holds more than burst + 1 tokens and gains
 * limit per period, so the last of them starts at least (n - burst - 1) refill intervals after the first. Less 5 ms
 * for clocks read in whole milliseconds. A bound the limit imposes, whatever the machine's speed.
 */
export function leastSpan(n: number, limit: number, period: number, burst: number): number {
  return Math.max(0, ((n - burst - 1) * period) / limit - 5);
}

/** The time between the first and the last start. */
export function span(starts: readonly number[]): number {
  return Math.max(...starts) - Math.min(...starts);
}
