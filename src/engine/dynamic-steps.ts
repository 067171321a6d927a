// The steps the engine runs itself instead of a handler: durable waits (wait-steps.ts) and mapped steps (map-steps.ts:
// the expansion into instances and the gather of their results; the instances run the step's handler); sub-workflows
// join here as they are built. Chosen per step template when a claimed step starts (step-attempts.ts), so ordinary
// steps pay one property check.
import type { Store } from '../core/store-contract.js';
import type { StepTemplate } from '../definition/model.js';
import type { Execution, RunnableStep } from './step-execution.js';
import { runWaitStep } from './wait-steps.js';
import { isMapInstance, runMapStep } from './map-steps.js';

export class DynamicSteps {
  constructor(
    private readonly store: Store,
    private readonly workerId: string,
    /** The most items a map may fan out over (`maxMapItems`). */
    private readonly maxMapItems: number,
  ) {}

  /** Whether the engine runs this step itself (`claimedName`: the claimed step's name, `name[3]` for an instance). */
  handles(step: StepTemplate, claimedName: string): boolean {
    if (step.map !== undefined && !isMapInstance(claimedName)) return true;
    return step.wait_for !== undefined;
  }

  run(r: RunnableStep): Promise<Execution> {
    if (r.step.template.map !== undefined && r.instance === undefined)
      return runMapStep(this.store, this.maxMapItems, r);
    return runWaitStep(this.store, this.workerId, r);
  }
}
