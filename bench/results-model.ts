// Shapes of what the harness produces: one RunResult per run, aggregated into a Cell per target × workload ×
// worker count × concurrency, and the ResultsFile written as JSON for bench/report.ts.
import type { CorrectnessReport } from './correctness.js';
import type { WorkloadId } from './workloads.js';

/** Per-workload figures; a workload fills the ones that apply to it. Times in ms, memory in MB. */
export interface Metrics {
  stepsPerSec?: number;
  tasksPerSec?: number;
  wallMs?: number;
  /** W3: completion of step i → start of step i+1. */
  chainMeanMs?: number;
  chainP99Ms?: number;
  /** W5: submit → first step start. */
  startP50Ms?: number;
  startP99Ms?: number;
  /**
   * W5: the p99 of tasks submitted after the run's first second only. Every run starts on a new schema and new
   * connections, and a cold connection's first statements are slow: this shows the steady state beside it.
   */
  startP99AfterFirstSecMs?: number;
  /** W6 (sampled in every workload): worker-process RSS peak during the run and right after start. */
  rssPeakMb?: number;
  rssIdleMb?: number;
  /** W7/W7N: the most tasks of one concurrency key that ran at once (W7's limit is 1). */
  maxPerKey?: number;
  /** Time the submit call(s) took, for context. */
  submitMs?: number;
}

export interface RunResult {
  target: string;
  workload: WorkloadId;
  /** Worker processes (0 = in the harness process). */
  workers: number;
  /** The target's concurrency knob (see its config); absent in results written before the sweep of issue 16. */
  concurrency?: number;
  /** 0 = warm-up (never counted), 1..N = measured. */
  run: number;
  tasks: number;
  steps: number;
  /** First submit → last step completion. */
  wallMs: number;
  metrics: Metrics;
  correctness: CorrectnessReport;
  /** 1-minute load average of the machine when the run ended (noise indicator). */
  loadAvg1?: number;
  /** Set when the run failed (timeout, crash, exception); such a run has no valid figures. */
  error?: string;
}

export interface Cell {
  target: string;
  workload: WorkloadId;
  workers: number;
  /** The target's concurrency knob; absent in results written before the sweep of issue 16. */
  concurrency?: number;
  /** Median over valid measured runs of each metric. */
  median: Metrics;
  validRuns: number;
  invalidRuns: number;
  errorRuns: number;
  /** First error or correctness failure, when any. */
  problem?: string;
  runs: RunResult[];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  postgres?: string;
  redis?: string;
  /** Median latency of a durable (WAL-flushed) commit on the PostgreSQL server. */
  postgresCommitMs?: number;
  loadAvg1AtStart?: number;
  packages: Record<string, string>;
}

export interface ResultsFile {
  startedAt: string;
  finishedAt: string;
  command: string;
  quick: boolean;
  runsPerCell: number;
  /** The values of the concurrency sweep (absent before issue 16). */
  concurrencies?: number[];
  machine: MachineInfo;
  workloads: Array<{
    id: WorkloadId;
    title: string;
    headline: { metric: string; unit: string; higherIsBetter: boolean };
  }>;
  /** One entry per target × concurrency (per target before issue 16). */
  targets: Array<{
    name: string;
    concurrency?: number;
    config: string;
    workerLaunch?: 'compiled' | 'tsx';
    error?: string;
  }>;
  cells: Cell[];
}
