// What the engine reports to a metrics collector besides lifecycle events: claims (batch sizes, queue lag),
// completion batches, lease extensions and reclaims. The dispatcher and the lease keeper call it only when one is
// attached (`Tasker.instrument`), so a process without metrics pays one null check per batch.
import type { ClaimedStep, ReclaimedStep } from '../core/store-contract.js';

export interface EngineMetricsSink {
  /** One claim returned these steps (a claim of its own, or the one riding on a completion batch); never empty. */
  stepsClaimed(steps: readonly ClaimedStep[]): void;
  /** A completion batch of `size` outcomes (with its claim, if any) was recorded in `seconds`. */
  completionBatch(size: number, seconds: number): void;
  /** The heartbeat extended `extended` step leases and found `lost` of them taken back. */
  leasesExtended(extended: number, lost: number): void;
  /** The lease sweep took these steps back from workers that lost them. */
  stepsReclaimed(steps: readonly ReclaimedStep[]): void;
}

/** Several sinks as one (two API servers on one engine each with their own metrics). */
export function fanOut(sinks: readonly EngineMetricsSink[]): EngineMetricsSink | null {
  if (sinks.length === 0) return null;
  if (sinks.length === 1) return sinks[0]!;
  return {
    stepsClaimed: (s) => sinks.forEach((x) => x.stepsClaimed(s)),
    completionBatch: (n, t) => sinks.forEach((x) => x.completionBatch(n, t)),
    leasesExtended: (e, l) => sinks.forEach((x) => x.leasesExtended(e, l)),
    stepsReclaimed: (s) => sinks.forEach((x) => x.stepsReclaimed(s)),
  };
}
