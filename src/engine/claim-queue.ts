// The local queue of steps claimed ahead of free slots (the `prefetch` option): leased to this worker (their leases
// kept alive like running steps'), not started. The dispatch loop (dispatcher.ts) claims up to `prefetch` steps beyond
// its free slots and starts queued steps in claim order as slots free up, so that at a low concurrency it still claims
// and completes in large batches. A queued step of a cancelled task, or whose lease was lost, is dropped; on stop the
// queue is handed back (released: the attempt is not counted).
import type { ClaimedStep } from '../core/store-contract.js';

export class ClaimQueue {
  private steps: ClaimedStep[] = [];

  /**
   * @param prefetch how many steps may wait here beyond the free slots (0: none, claims start at once)
   * @param slots how many steps may start now (0 while the worker stops)
   * @param launch starts claimed steps
   */
  constructor(
    readonly prefetch: number,
    private readonly slots: () => number,
    private readonly launch: (claimed: ClaimedStep[]) => void,
  ) {}

  get length(): number {
    return this.steps.length;
  }

  /** Freshly claimed steps: started at once without a queue, else queued and started as far as slots allow. */
  offer(claimed: ClaimedStep[]): void {
    if (this.prefetch === 0) {
      this.launch(claimed);
      return;
    }
    for (const c of claimed) this.steps.push(c);
    this.fill();
  }

  /** Start queued steps in the slots free now. */
  readonly fill = (): void => {
    const n = this.steps.length ? this.slots() : 0;
    if (n > 0) this.launch(this.steps.splice(0, n));
  };

  /** Everything queued, taken out (the worker is stopping: they are handed back). */
  takeAll(): ClaimedStep[] {
    return this.steps.splice(0);
  }

  /** Drop these steps (task cancelled, lease lost); returns how many were queued. */
  drop(stepIds: readonly number[]): number {
    if (this.steps.length === 0) return 0;
    const gone = new Set(stepIds);
    const before = this.steps.length;
    this.steps = this.steps.filter((c) => !gone.has(c.step_id));
    return before - this.steps.length;
  }

  stepIds(): number[] {
    return this.steps.map((c) => c.step_id);
  }
}
