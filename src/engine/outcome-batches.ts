// The outcomes finished attempts handed back and the store has not recorded yet, and how the oldest batch of them
// is written: one store call (which may also claim the next steps), its effects applied, and the batch dropped only
// once recorded. A store that is down keeps the batch for the dispatcher's retry; a batch the store refuses for
// good is recorded one by one (rejected-outcomes.ts) so one bad outcome cannot hold up the others.
import type { CompleteOptions, CompletionResult, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import type { EngineMetricsSink } from './metrics-sink.js';
import type { OutcomeEffects, PendingOutcome } from './outcome-effects.js';
import { recordOneByOne } from './rejected-outcomes.js';

/** The most outcomes one store call records. */
const MAX_BATCH = 500;

/** A claim made with a completion (the store's claim request without the worker id). */
type BatchClaim = NonNullable<CompleteOptions['claim']>;

export class OutcomeBatches {
  private pending: PendingOutcome[] = [];

  constructor(
    private readonly store: Store,
    private readonly workerId: string,
    private readonly effects: OutcomeEffects,
    private readonly logger: Logger,
  ) {}

  get length(): number {
    return this.pending.length;
  }

  push(outcome: PendingOutcome): void {
    this.pending.push(outcome);
  }

  /** Whether recording the next batch may make a step claimable (one of its outcomes `mayReady`). */
  mayReady(): boolean {
    const n = Math.min(MAX_BATCH, this.pending.length);
    for (let i = 0; i < n; i++) if (this.pending[i]!.mayReady) return true;
    return false;
  }

  /** The steps whose outcomes wait here (their leases must be kept alive until recorded). */
  stepIds(): number[] {
    return this.pending.map((o) => o.claimed.step_id);
  }

  /** The attempt log of a step whose outcome waits here. */
  logOf(stepId: number): PendingOutcome['log'] | undefined {
    return this.pending.find((o) => o.claimed.step_id === stepId)?.log;
  }

  /**
   * Record the oldest batch, claiming with it when `claim` is given, and apply its effects. Returns what the store
   * answered, or null when it refused the batch and its outcomes were recorded one by one instead (without a claim).
   * A transient store error is thrown with the batch kept.
   */
  async recordNext(claim: BatchClaim | undefined, metrics: EngineMetricsSink | null): Promise<CompletionResult | null> {
    const batch = this.pending.slice(0, MAX_BATCH);
    const began = metrics ? performance.now() : 0;
    let res: CompletionResult;
    try {
      res = await this.store.completeSteps(
        batch.map((b) => b.exec.outcome),
        // Results were checked for JSON fidelity when the attempt ended: the store need not walk them again.
        claim
          ? { workerId: this.workerId, resultsChecked: true, claim }
          : { workerId: this.workerId, resultsChecked: true },
      );
    } catch (err) {
      if (this.store.isTransient(err)) throw err;
      await recordOneByOne(this.store, this.workerId, batch, err, this.effects, this.logger, (item) => {
        const at = this.pending.indexOf(item);
        if (at >= 0) this.pending.splice(at, 1);
      });
      return null;
    }
    this.pending.splice(0, batch.length); // only once recorded: a failed call keeps the batch for the retry
    if (metrics) {
      metrics.completionBatch(batch.length, (performance.now() - began) / 1000);
      if (res.claimed.length) metrics.stepsClaimed(res.claimed);
    }
    this.effects.apply(batch, res);
    return res;
  }
}
