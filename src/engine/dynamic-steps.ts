// The steps the engine runs itself instead of a handler: durable waits (wait-steps.ts) and sub-workflows
// (subtask-steps.ts). Chosen per step template when a claimed step starts (step-attempts.ts), so ordinary steps pay
// two property checks.
import type { Store } from '../core/store-contract.js';
import type { StepTemplate } from '../definition/model.js';
import type { Execution, RunnableStep } from './step-execution.js';
import { runWaitStep } from './wait-steps.js';
import { SubtaskSteps, type ChildSubmit } from './subtask-steps.js';

export class DynamicSteps {
  private readonly subtasks: SubtaskSteps;

  constructor(
    private readonly store: Store,
    private readonly workerId: string,
    submitChild: ChildSubmit,
    maxSubtaskDepth: number,
  ) {
    this.subtasks = new SubtaskSteps(store, workerId, submitChild, maxSubtaskDepth);
  }

  /** Whether the engine runs this step itself. */
  handles(step: StepTemplate): boolean {
    return step.wait_for !== undefined || step.subtask !== undefined;
  }

  run(r: RunnableStep): Promise<Execution> {
    const sub = r.step.template.subtask;
    if (sub !== undefined) return this.subtasks.run(r, sub);
    return runWaitStep(this.store, this.workerId, r);
  }
}
