// The steps the engine runs itself instead of a handler: durable waits (wait-steps.ts); sub-workflows and map
// instances join here as they are built. Chosen per step template when a claimed step starts (step-attempts.ts), so
// ordinary steps pay one property check.
import type { Store } from '../core/store-contract.js';
import type { StepTemplate } from '../definition/model.js';
import type { Execution, RunnableStep } from './step-execution.js';
import { runWaitStep } from './wait-steps.js';

export class DynamicSteps {
  constructor(
    private readonly store: Store,
    private readonly workerId: string,
  ) {}

  /** Whether the engine runs this step itself. */
  handles(step: StepTemplate): boolean {
    return step.wait_for !== undefined;
  }

  run(r: RunnableStep): Promise<Execution> {
    return runWaitStep(this.store, this.workerId, r);
  }
}
