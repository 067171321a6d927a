// Delayed starts (flow control): a task submitted with `run_at` or `delay` waits `pending` with no claimable step
// until a worker releases it (Store.releaseDueTasks), which every process that runs steps does on its poll interval,
// and once more at the next due time when that comes sooner. One store query per interval; releasing is idempotent
// and safe from any number of processes (SKIP LOCKED on PostgreSQL, the write lock on SQLite).
import type { Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';

/** Tasks released per store call; a full batch is followed by another at once. */
const RELEASE_BATCH = 1000;

export class DelayedStarts {
  private interval: NodeJS.Timeout | null = null;
  private soon: { at: number; handle: NodeJS.Timeout } | null = null;
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** Called after delayed tasks became claimable (wake the dispatch loop). */
    private readonly released: () => void,
  ) {}

  start(): void {
    if (this.interval) return;
    this.interval = setInterval(() => void this.tick(), this.intervalMs);
    this.interval.unref();
    void this.tick();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    if (this.soon) clearTimeout(this.soon.handle);
    this.interval = null;
    this.soon = null;
  }

  /** A task comes due at `at` (epoch ms): release it then when that is before the next interval tick. */
  dueAt(at: number): void {
    if (!this.interval || at - Date.now() >= this.intervalMs) return;
    if (this.soon && this.soon.at <= at) return;
    if (this.soon) clearTimeout(this.soon.handle);
    const handle = setTimeout(
      () => {
        this.soon = null;
        void this.tick();
      },
      Math.max(0, at - Date.now()),
    );
    handle.unref();
    this.soon = { at, handle };
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.interval) return;
    this.busy = true;
    try {
      for (;;) {
        const res = await this.store.releaseDueTasks(RELEASE_BATCH);
        if (res.released > 0) this.released();
        if (res.released < RELEASE_BATCH) {
          if (res.next_at !== null) this.dueAt(res.next_at);
          break;
        }
      }
    } catch (err) {
      if (this.store.isTransient(err)) this.logger.debug({ err }, 'releasing delayed tasks failed; retried next tick');
      else this.logger.warn({ err }, 'releasing delayed tasks failed');
    } finally {
      this.busy = false;
    }
  }
}
