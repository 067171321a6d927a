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
