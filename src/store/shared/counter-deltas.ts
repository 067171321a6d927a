// Per-task counter changes gathered during one store transaction (open and satisfied steps), applied at its end by
// the statement that also checks each touched task for finalisation.
import type { TaskId } from '../../core/store-contract.js';

export interface CounterDelta {
  open: number;
  satisfied: number;
}

export class CounterDeltas extends Map<TaskId, CounterDelta> {
  /** Record counter changes of a task. */
  adjust(taskId: TaskId, open: number, satisfied = 0): void {
    const d = this.get(taskId);
    if (d) {
      d.open += open;
      d.satisfied += satisfied;
    } else {
      this.set(taskId, { open, satisfied });
    }
  }

  /** Mark a task to be checked for finalisation even if its counters did not move. */
  touch(taskId: TaskId): void {
    if (!this.has(taskId)) this.set(taskId, { open: 0, satisfied: 0 });
  }
}
