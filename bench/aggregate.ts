// Folds the measured runs of one target × workload × worker count × concurrency into a Cell: medians over valid runs only.
import { describeCorrectness } from './correctness.js';
import type { Cell, Metrics, RunResult } from './results-model.js';
import { median } from './stats.js';

export function aggregate(runs: RunResult[]): Cell {
  const first = runs[0];
  if (!first) throw new Error('aggregate: no runs');
  const measured = runs.filter((r) => r.run > 0);
  const valid = measured.filter((r) => !r.error && r.correctness.valid);
  const errors = measured.filter((r) => r.error);
  const invalid = measured.filter((r) => !r.error && !r.correctness.valid);
  const keys = new Set<keyof Metrics>();
  for (const r of valid) for (const k of Object.keys(r.metrics) as Array<keyof Metrics>) keys.add(k);
  const med: Metrics = {};
  for (const k of keys) {
    const values = valid
      .map((r) => r.metrics[k])
      .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length) med[k] = median(values);
  }
  const problemRun = invalid[0] ?? errors[0];
  return {
    target: first.target,
    workload: first.workload,
    workers: first.workers,
    ...(first.concurrency !== undefined ? { concurrency: first.concurrency } : {}),
    median: med,
    validRuns: valid.length,
    invalidRuns: invalid.length,
    errorRuns: errors.length,
    ...(problemRun ? { problem: problemRun.error ?? describeCorrectness(problemRun.correctness) } : {}),
    runs,
  };
}
