// Turns the step records of one run into the workload's figures (rates, chain latency, start latency, RSS).
import type { StepRecords } from './recorder.js';
import type { Metrics } from './results-model.js';
import { mean, percentile } from './stats.js';
import type { ShapeDef, WorkloadDef } from './workloads.js';

export interface RunTiming {
  /** Clock reading just before the first submit call. */
  firstSubmit: number;
  /** Clock reading when the last submit call resolved. */
  submitDone: number;
  /** W5: clock reading just before each task's submit call, by task index. */
  submitAt?: Float64Array;
}

export function computeMetrics(
  workload: WorkloadDef,
  shape: ShapeDef,
  records: StepRecords,
  timing: RunTiming,
  rss: { peakMb: number; idleMb: number },
): { wallMs: number; metrics: Metrics } {
  let lastEnd = -Infinity;
  for (let i = 0; i < records.length; i++) if (records.end[i]! > lastEnd) lastEnd = records.end[i]!;
  const wallMs = lastEnd - timing.firstSubmit;
  const steps = workload.tasks * shape.steps;
  const metrics: Metrics = {
    wallMs,
    stepsPerSec: steps / (wallMs / 1000),
    tasksPerSec: workload.tasks / (wallMs / 1000),
    submitMs: timing.submitDone - timing.firstSubmit,
    rssPeakMb: rss.peakMb,
    rssIdleMb: rss.idleMb,
  };
  if (workload.id === 'W3') {
    const start = new Float64Array(shape.steps).fill(NaN);
    const end = new Float64Array(shape.steps).fill(NaN);
    for (let i = 0; i < records.length; i++) {
      const s = records.step[i]!;
      if (records.task[i] === 0 && Number.isNaN(start[s]!)) {
        start[s] = records.start[i]!;
        end[s] = records.end[i]!;
      }
    }
    const gaps: number[] = [];
    for (let s = 0; s + 1 < shape.steps; s++) gaps.push(start[s + 1]! - end[s]!);
    metrics.chainMeanMs = mean(gaps);
    metrics.chainP99Ms = percentile(gaps, 99);
  }
  if (workload.id === 'W5' && timing.submitAt) {
    const firstStart = new Float64Array(workload.tasks).fill(NaN);
    for (let i = 0; i < records.length; i++) {
      const t = records.task[i]!;
      if (records.step[i] === 0 && t < firstStart.length && !(firstStart[t]! <= records.start[i]!)) {
        firstStart[t] = records.start[i]!;
      }
    }
    const lat: number[] = [];
    const later: number[] = [];
    for (let t = 0; t < workload.tasks; t++) {
      const ms = firstStart[t]! - timing.submitAt[t]!;
      lat.push(ms);
      if (timing.submitAt[t]! - timing.firstSubmit >= 1000) later.push(ms);
    }
    metrics.startP50Ms = percentile(lat, 50);
    metrics.startP99Ms = percentile(lat, 99);
    if (later.length) metrics.startP99AfterFirstSecMs = percentile(later, 99);
  }
  return { wallMs, metrics };
}
