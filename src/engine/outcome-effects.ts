// What follows a recorded batch of outcomes, in the process that recorded it: lifecycle events for each applied
// outcome, results kept for descendants running here, a timer for the earliest retry, and finalised tasks handed on.
import type { ClaimedStep, CompletionResult } from '../store/store.js';
import type { Execution } from './step-execution.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { StepInputLoader } from './step-inputs.js';

/** A step's finished attempt waiting to be recorded. */
export interface PendingOutcome {
  claimed: ClaimedStep;
  exec: Extract<Execution, { kind: 'outcome' }>;
}

export class OutcomeEffects {
  constructor(
    private readonly publisher: LifecyclePublisher,
    private readonly finalizer: TaskFinalizer,
    private readonly inputs: StepInputLoader,
    private readonly wakeAt: (at: number) => void,
  ) {}

  apply(batch: PendingOutcome[], res: CompletionResult): void {
    const stale = res.stale.length ? new Set(res.stale) : null;
    let earliestRetry = Infinity;
    for (const { claimed, exec } of batch) {
      if (stale?.has(claimed.step_id)) continue;
      const o = exec.outcome;
      const ref = { step_id: claimed.step_id, name: claimed.name, attempt: claimed.attempt };
      const duration = Math.round(exec.durationMs);
      if (o.type === 'completed') {
        this.inputs.rememberResult(claimed.task.task_id, {
          workflow_step_id: claimed.step_id,
          name: claimed.name,
          current_state: 'completed',
          results: o.results,
          attempts: claimed.attempt,
          error: null,
          started_at: claimed.started_at,
          completed_at: claimed.started_at + duration,
          duration,
        });
        this.publisher.step('step.completed', claimed.task, ref, { duration });
      }
      else if (o.type === 'failed') this.publisher.step('step.failed', claimed.task, ref, { duration }, o.error);
      else if (o.type === 'retry') {
        const at = Date.now() + o.delayMs;
        earliestRetry = Math.min(earliestRetry, at);
        this.publisher.step('step.attempt_failed', claimed.task, ref, { duration, delay_ms: o.delayMs, next_attempt_at: new Date(at).toISOString() }, o.error);
      }
    }
    if (res.skipped.length) {
      const identities = new Map(batch.map((b) => [b.claimed.task.task_id, b.claimed.task]));
      for (const s of res.skipped) {
        const task = identities.get(s.task_id);
        if (task) this.publisher.step('step.skipped', task, { step_id: s.step_id, name: s.name, attempt: 0 }, { reason: 'routed away' });
      }
    }
    if (earliestRetry !== Infinity) this.wakeAt(earliestRetry);
    if (res.finalized.length) this.finalizer.handle(res.finalized);
  }
}
