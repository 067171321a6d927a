// What one bench invocation runs for one target: the values of the concurrency sweep, and for each the worker
// counts of each workload (an explicit `--workers` list, or the default plan of issue 16: worker processes ×1 for
// every target, plus library mode — `--workers 0` — for W1–W3 of the targets that have one).
import { InvalidArgumentError } from 'commander';
import type { WorkloadDef, WorkloadId } from './workloads.js';

/** The concurrency values of a full run (issue 16: at least 10, 50 and 500), and measured runs per cell. */
export const DEFAULT_CONCURRENCY: readonly number[] = [10, 50, 500];
export const FULL_RUNS = 3;
/** `--quick`: both ends of the sweep, one measured run per cell (after the warm-up). */
export const QUICK_CONCURRENCY: readonly number[] = [10, 500];
export const QUICK_RUNS = 1;
/** Workloads the default plan also runs in library mode (engine and handlers in the harness process). */
export const LIBRARY_WORKLOADS: readonly WorkloadId[] = ['W1', 'W2', 'W3'];

export interface PlannedCell {
  workers: number;
  workload: WorkloadDef;
}

/** What the plan needs to know of a target; `undefined` when it failed to load (its cells become error cells). */
export interface PlanTraits {
  readonly inProcessOnly?: boolean;
  readonly libraryMode?: boolean;
}

/** The cells of one target at one concurrency, grouped by worker count (ascending), workloads in the given order. */
export function planCells(
  target: PlanTraits | undefined,
  workloads: readonly WorkloadDef[],
  explicitWorkers: readonly number[] | undefined,
): PlannedCell[] {
  if (target?.inProcessOnly) return workloads.map((workload) => ({ workers: 0, workload }));
  if (explicitWorkers)
    return explicitWorkers.flatMap((workers) => workloads.map((workload) => ({ workers, workload })));
  const library = target?.libraryMode
    ? workloads.filter((w) => LIBRARY_WORKLOADS.includes(w.id)).map((workload) => ({ workers: 0, workload }))
    : [];
  return [...library, ...workloads.map((workload) => ({ workers: 1, workload }))];
}

/** `--concurrency 10,50,500`: distinct integers in 1..10,000, in the given order. */
export function parseConcurrencyList(value: string): number[] {
  const list = value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new InvalidArgumentError(`--concurrency: "${s}" is not an integer in 1..10000`);
    return n;
  });
  return [...new Set(list)];
}

/** `--workers 0,1,2`: worker-process counts in 0..64 (0 = inside the harness process). */
export function parseWorkerList(value: string): number[] {
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0 || n > 64)
      throw new InvalidArgumentError(`--workers: "${s}" is not a count in 0..64`);
    return n;
  });
}
