// The store gauges of a metrics registry, refreshed from `store.stats()` at most once per `cacheMs` per process
// (concurrent scrapes share one read), so any number of scrapers costs the store one stats read per interval.
import { STEP_STATES, TASK_STATES } from '../../core/states.js';
import type { StoreStats, WorkerInfo } from '../../core/store-contract.js';
import type { EngineMetricSet } from './definitions.js';

/** How long one stats read serves scrapes, by default. */
export const GAUGE_CACHE_MS = 5_000;

/** A worker that has not been seen for longer than its lease (30 s when it did not say) is not counted. */
const DEFAULT_WORKER_LEASE_MS = 30_000;

export class StoreGauges {
  private readAt = -Infinity;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly stats: () => Promise<StoreStats>,
    private readonly m: EngineMetricSet,
    private readonly cacheMs: number,
  ) {}

  /** Bring the gauges up to date unless the last read is younger than the cache time. */
  refresh(): Promise<void> {
    if (this.pending) return this.pending;
    if (performance.now() - this.readAt < this.cacheMs) return Promise.resolve();
    this.pending = this.stats()
      .then((s) => {
        this.apply(s);
        this.readAt = performance.now();
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private apply(s: StoreStats): void {
    const m = this.m;
    for (const state of TASK_STATES) m.tasksByState.set({ state }, s.tasks_by_state[state] ?? 0);
    for (const state of STEP_STATES) m.stepsByState.set({ state }, s.steps_by_state[state] ?? 0);
    m.countsEstimated.set(s.counts_estimated ? 1 : 0);
    m.readyDepth.set(s.ready_depth);
    m.oldestReadyAge.set(s.oldest_ready_age_ms / 1000);
    m.waitingForWorker.set(s.waiting_for_worker);
    m.workers.set(liveWorkers(s.workers, Date.now()));
  }
}

/** Workers seen within their lease at `now` (epoch ms). */
export function liveWorkers(workers: readonly WorkerInfo[], now: number): number {
  return workers.filter((w) => w.last_seen_at >= now - (w.lease_ms ?? DEFAULT_WORKER_LEASE_MS)).length;
}
