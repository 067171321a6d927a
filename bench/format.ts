// Formatting of figures shared by the stdout table (run.ts) and the markdown report (report.ts).
import type { Cell, Metrics } from './results-model.js';
import type { WorkloadId } from './workloads.js';

export const METRIC_LABELS: Record<keyof Metrics, string> = {
  stepsPerSec: 'steps/s',
  tasksPerSec: 'tasks/s',
  wallMs: 'wall ms',
  chainMeanMs: 'ms/step mean',
  chainP99Ms: 'ms/step p99',
  startP50Ms: 'start p50 ms',
  startP99Ms: 'start p99 ms',
  startP99AfterFirstSecMs: 'start p99 ms after 1 s',
  rssPeakMb: 'RSS peak MB',
  rssIdleMb: 'RSS idle MB',
  maxPerKey: 'max running per key',
  submitMs: 'submit ms',
};

export const HIGHER_IS_BETTER: Record<keyof Metrics, boolean> = {
  stepsPerSec: true,
  tasksPerSec: true,
  wallMs: false,
  chainMeanMs: false,
  chainP99Ms: false,
  startP50Ms: false,
  startP99Ms: false,
  startP99AfterFirstSecMs: false,
  rssPeakMb: false,
  rssIdleMb: false,
  maxPerKey: false,
  submitMs: false,
};

/** The figures shown for each workload, headline first. */
export const WORKLOAD_METRICS: Record<WorkloadId, Array<keyof Metrics>> = {
  W1: ['stepsPerSec', 'wallMs'],
  W2: ['stepsPerSec', 'tasksPerSec', 'wallMs'],
  W3: ['chainMeanMs', 'chainP99Ms'],
  W4: ['wallMs', 'stepsPerSec'],
  W5: ['startP50Ms', 'startP99Ms', 'startP99AfterFirstSecMs'],
  W6: ['rssPeakMb', 'rssIdleMb', 'stepsPerSec'],
  W7: ['tasksPerSec', 'stepsPerSec', 'wallMs', 'maxPerKey'],
  W7N: ['tasksPerSec', 'stepsPerSec', 'wallMs', 'maxPerKey'],
  W8: ['wallMs', 'stepsPerSec', 'rssPeakMb'],
};

export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** `1,234 steps/s` style text for one cell's metrics, or the reason it has none. */
export function describeCell(cell: Cell): string {
  if (cell.validRuns === 0) {
    return cell.invalidRuns > 0 ? `INVALID (${cell.problem ?? 'correctness'})` : `ERROR (${cell.problem ?? 'failed'})`;
  }
  const parts = WORKLOAD_METRICS[cell.workload].map((m) => `${formatNumber(cell.median[m])} ${METRIC_LABELS[m]}`);
  const bad = cell.invalidRuns + cell.errorRuns;
  if (bad > 0) parts.push(`[${bad} of ${bad + cell.validRuns} runs rejected: ${cell.problem ?? ''}]`);
  return parts.join(', ');
}
