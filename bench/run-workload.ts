// One run of one workload against one target: reset, start workers, submit, wait for every step, harvest the
// records, stop the workers, check correctness and compute the figures. Never throws; failures become `error`.
import os from 'node:os';
import { now } from './clock.js';
import { checkRun, type CorrectnessReport } from './correctness.js';
import { checkKeyOverlap } from './key-overlap.js';
import { computeMetrics, type RunTiming } from './measure.js';
import type { StepRecords } from './recorder.js';
import type { Metrics, RunResult } from './results-model.js';
import type { BenchTarget } from './targets/target.js';
import type { WorkerLaunch } from './worker-build.js';
import { WorkerPool } from './worker-pool.js';
import { KEYED_SHAPES, keyOf, shapeFor, type ShapeParams, type WorkloadDef } from './workloads.js';

export interface RunSpec {
  target: BenchTarget;
  /** How to start this target's worker processes (compiled or through tsx). */
  launch: WorkerLaunch;
  workload: WorkloadDef;
  workers: number;
  run: number;
  shapes: ShapeParams;
  /** Give up when no step is recorded for this long. */
  stallMs: number;
}

/** How long to keep listening after the last expected step, so that late duplicates are caught. */
const SETTLE_MS = 150;

export async function runWorkload(spec: RunSpec): Promise<RunResult> {
  const { target, workload, workers } = spec;
  const shape = shapeFor(workload.shape, spec.shapes);
  const expected = workload.tasks * shape.steps;
  const base = {
    target: target.name,
    workload: workload.id,
    workers,
    concurrency: target.concurrency,
    run: spec.run,
    tasks: workload.tasks,
    steps: expected,
  };
  const load = (): number => os.loadavg()[0]!;
  let pool: WorkerPool | undefined;
  try {
    await target.reset();
    pool = await WorkerPool.start(
      spec.launch,
      target.workerModule,
      { config: target.workerConfig(), shapes: spec.shapes },
      workers,
    );
    const timing = await submitAll(spec, shape);
    await pool.waitForSteps(expected, spec.stallMs);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const harvest = await pool.harvest();
    await pool.stop();
    pool = undefined;
    const correctness = checkRun(shape, workload.tasks, harvest.records);
    const { wallMs, metrics } = computeMetrics(workload, shape, harvest.records, timing, {
      peakMb: harvest.rssPeakMb,
      idleMb: harvest.rssIdleMb,
    });
    if (KEYED_SHAPES.includes(shape.id)) checkKeys(spec, harvest.records, correctness, metrics);
    return { ...base, wallMs, metrics, correctness, loadAvg1: load() };
  } catch (err) {
    return {
      ...base,
      wallMs: NaN,
      metrics: {},
      correctness: failedCorrectness(expected, pool?.progress() ?? 0),
      error: err instanceof Error ? err.message : String(err),
      loadAvg1: load(),
    };
  } finally {
    await pool?.stop();
  }
}

async function submitAll(spec: RunSpec, shape: ReturnType<typeof shapeFor>): Promise<RunTiming> {
  const { target, workload } = spec;
  if (!workload.ratePerSec) {
    const tasks = Array.from({ length: workload.tasks }, (_, i) => i);
    const firstSubmit = now();
    await target.submit(shape, tasks);
    return { firstSubmit, submitDone: now() };
  }
  // W5: one task per tick at a steady rate; calls are not serialised, like independent clients.
  const interval = 1000 / workload.ratePerSec;
  const submitAt = new Float64Array(workload.tasks);
  const pending: Promise<void>[] = [];
  let failure: unknown;
  const firstSubmit = now();
  for (let i = 0; i < workload.tasks; i++) {
    const wait = firstSubmit + i * interval - now();
    if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
    submitAt[i] = now();
    pending.push(
      target.submit(shape, [i]).catch((err: unknown) => {
        failure ??= err;
      }),
    );
    if (failure) break;
  }
  await Promise.all(pending);
  if (failure) throw failure;
  return { firstSubmit, submitDone: now(), submitAt };
}

/**
 * W7/W7N: the most tasks of one key that ran at once goes to the figures; under W7's limit of 1 per key, every task
 * that started while another of its key ran is a violation and makes the run invalid.
 */
function checkKeys(spec: RunSpec, records: StepRecords, correctness: CorrectnessReport, metrics: Metrics): void {
  const overlap = checkKeyOverlap(records, spec.workload.tasks, (t) => keyOf(t, spec.shapes), 1);
  metrics.maxPerKey = overlap.maxPerKey;
  if (spec.workload.shape !== 'keyed') return;
  correctness.keyOverlaps = overlap.violations;
  if (overlap.violations > 0) {
    correctness.valid = false;
    correctness.examples.push(...overlap.examples);
  }
}

function failedCorrectness(expected: number, executions: number): CorrectnessReport {
  return {
    valid: false,
    expectedSteps: expected,
    executions,
    duplicates: 0,
    missing: 0,
    earlyStarts: 0,
    malformed: 0,
    examples: ['run did not complete'],
  };
}
