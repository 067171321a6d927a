// The retention policy of a process that runs steps (`Tasker.open({ retention })`, `tasker worker --retention`): a
// prune pass at a jittered interval — each pass waits between half and one and a half times `intervalMs`, the first
// one a random part of it, so workers started together do not prune together — deleting `batchSize` tasks per store
// transaction and, between transactions, waiting as long as the last one took, so pruning never holds more than
// about half of this process's store time (on SQLite, of the write lock). Concurrent passes on many workers are safe:
// PostgreSQL batches skip each other's locked tasks, SQLite's write lock serialises them. A failed pass is logged and
// the next one runs at the next interval. Stopping aborts a pass between transactions.
import type { PruneResult, RetentionClass, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { pruneInBatches } from './retention.js';

/** The resolved policy: the age of each class that is pruned, the interval and the batch size. */
export interface RetentionPolicy {
  ages: Partial<Record<RetentionClass, number>>;
  intervalMs: number;
  batchSize: number;
}

/** The longest pause between two transactions of a pass. */
const MAX_PAUSE_MS = 5_000;

export class RetentionKeeper {
  private timer: NodeJS.Timeout | null = null;
  private abort: AbortController | null = null;
  private pass: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    readonly policy: RetentionPolicy,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.schedule(this.random() * this.policy.intervalMs);
  }

  /** Stop scheduling and end a running pass after its current transaction. */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.abort = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** One pass now (tests and `start`'s timer); resolves with what it pruned, or null when it failed. */
  async runOnce(signal?: AbortSignal): Promise<PruneResult | null> {
    const { ages, batchSize } = this.policy;
    const started = Date.now();
    try {
      const result = await pruneInBatches(
        this.store,
        {
          ...(ages.completed !== undefined ? { completedBefore: ages.completed } : {}),
          ...(ages.failed !== undefined ? { failedBefore: ages.failed } : {}),
          ...(ages.cancelled !== undefined ? { cancelledBefore: ages.cancelled } : {}),
          batchSize,
          ...(signal ? { signal } : {}),
        },
        (lastMs) => sleep(Math.min(Math.max(lastMs, 10), MAX_PAUSE_MS), signal),
      );
      if (result.tasks > 0)
        this.logger.info(
          {
            tasks: result.tasks,
            tasks_by_state: result.tasks_by_state,
            steps: result.steps,
            batches: result.batches,
            duration_ms: Date.now() - started,
          },
          'retention: pruned finished tasks',
        );
      return result;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'retention: prune pass failed; the next one runs as scheduled');
      return null;
    }
  }

  private schedule(delayMs: number): void {
    const abort = this.abort;
    if (!abort) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass = this.runOnce(abort.signal).then(() => {
        this.pass = null;
        if (!abort.signal.aborted) this.schedule(this.policy.intervalMs * (0.5 + this.random()));
      });
    }, delayMs);
    this.timer.unref();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
