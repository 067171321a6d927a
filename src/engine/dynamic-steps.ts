// The steps the engine runs itself instead of a handler: durable waits (wait-steps.ts), sub-workflows
// (subtask-steps.ts) and mapped steps (map-steps.ts: the expansion into instances and the gather of their results;
// each instance runs the step's handler, or its sub-workflow with the item as the child's context). Chosen per step
// template when a claimed step starts (step-attempts.ts), so ordinary steps pay three property checks.
import type { Store } from '../core/store-contract.js';
import type { StepTemplate } from '../definition/model.js';
import type { Execution, RunnableStep } from './step-execution.js';
import { runWaitStep } from './wait-steps.js';
import { SubtaskSteps, type ChildSubmit } from './subtask-steps.js';
import { isMapInstance, runMapStep } from './map-steps.js';

export class DynamicSteps {
  private readonly subtasks: SubtaskSteps;

  constructor(
    private readonly store: Store,
    private readonly workerId: string,
    submitChild: ChildSubmit,
    maxSubtaskDepth: number,
    /** The most items a map may fan out over (`maxMapItems`). */
    private readonly maxMapItems: number,
  ) {
    this.subtasks = new SubtaskSteps(store, workerId, submitChild, maxSubtaskDepth);
  }

  /** Whether the engine runs this step itself (`claimedName`: the claimed step's name, `name[3]` for an instance). */
  handles(step: StepTemplate, claimedName: string): boolean {
    if (step.map !== undefined && !isMapInstance(claimedName)) return true;
    return step.wait_for !== undefined || step.subtask !== undefined;
  }

  run(r: RunnableStep): Promise<Execution> {
    if (r.step.template.map !== undefined && r.instance === undefined) {
      return runMapStep(this.store, this.maxMapItems, r);
    }
    const sub = r.step.template.subtask;
    if (sub === undefined) return runWaitStep(this.store, this.workerId, r);
    // A map over a sub-workflow: one child per item, whose context (without context_from) is { item, index }.
    const item = r.instance ? { value: { item: r.instance.item, index: r.instance.index } } : undefined;
    return this.subtasks.run(r, sub, item);
  }
}
