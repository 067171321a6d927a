// Plans tasks created without their planning hook (the submitter lacked the template's handlers: `tasker submit`
// without --handlers, an API-only server). The first worker that claims a step of such a task runs the task
// handler's `establishStepDependenciesAndDefaults` here, then `Store.applyPlan` applies its skips and step settings
// once and hands the claimed steps back uncounted, so they run afterwards under the plan like any other step.
import type { ClaimedStep, PlanRequest, Store, StepOutcome } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { taskLogFields } from '../telemetry/log-fields.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { StepInputLoader } from './step-inputs.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import type { Execution } from './step-execution.js';
import { planTask } from './task-planner.js';
import { toStepError } from './error-capture.js';

/** What the dispatch loop lends the planner: claimed steps are held (counted in flight) until let go. */
export interface PlanningHost {
  hold(c: ClaimedStep): void;
  /** The store handed the step back (or another worker planned first): nothing to record. */
  handedBack(c: ClaimedStep): void;
  /** Planning failed: record this outcome for the step. */
  finished(c: ClaimedStep, exec: Execution): void;
}

/** Put a claimed step back without running it (the attempt is not counted). */
export function released(c: ClaimedStep): Extract<Execution, { kind: 'outcome' }> {
  const outcome: StepOutcome = { type: 'released', step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
  return { kind: 'outcome', outcome, error: null, durationMs: 0 };
}

/** The planning hook threw: the claimed steps fail this attempt (retried like a handler error while attempts remain). */
function failedBy(c: ClaimedStep, err: unknown): Execution {
  const error = toStepError(err);
  error.message = `establishStepDependenciesAndDefaults failed: ${error.message}`;
  const base = { step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
  const outcome: StepOutcome =
    c.retryable && c.attempt < c.retry_limit
      ? { type: 'retry', ...base, error, delayMs: 1_000 }
      : { type: 'failed', ...base, error };
  return { kind: 'outcome', outcome, error, durationMs: 0 };
}

export class DeferredPlanner {
  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    private readonly inputs: StepInputLoader,
    private readonly publisher: LifecyclePublisher,
    private readonly finalizer: TaskFinalizer,
    private readonly logger: Logger,
    private readonly workerId: string,
  ) {}

  /**
   * Take the claimed steps of tasks that still need planning: hold them, plan each task (one store call per task)
   * and let them go. Returns the steps to run now.
   */
  takeUnplanned(claimed: ClaimedStep[], host: PlanningHost): ClaimedStep[] {
    const byTask = new Map<number, ClaimedStep[]>();
    const run: ClaimedStep[] = [];
    for (const c of claimed) {
      if (!c.needs_plan) {
        run.push(c);
        continue;
      }
      if (c.task_started) this.publisher.task('task.started', c.task);
      host.hold(c);
      const list = byTask.get(c.task.task_id);
      if (list) list.push(c);
      else byTask.set(c.task.task_id, [c]);
    }
    for (const held of byTask.values()) void this.planAndLetGo(held, host);
    return run;
  }

  private async planAndLetGo(held: ClaimedStep[], host: PlanningHost): Promise<void> {
    const fields = taskLogFields(held[0]!.task);
    try {
      await this.plan(held);
      for (const c of held) host.handedBack(c);
    } catch (err) {
      if (this.store.isTransient(err)) {
        // The plan could not be written: release the steps like any other (that write is kept and retried).
        this.logger.warn({ ...fields, err }, 'could not record the plan of the task; releasing its claimed steps');
        for (const c of held) host.finished(c, released(c));
        return;
      }
      this.logger.error({ ...fields, err }, "the task handler's planning hook failed");
      for (const c of held) host.finished(c, failedBy(c, err));
    }
  }

  /** Plan the task of `held` (claimed steps of one task that needs planning) and hand them back, in one store call. */
  async plan(held: readonly ClaimedStep[]): Promise<void> {
    const task = held[0]!.task;
    const compiled = this.catalog.forTask(task.namespace, task.name, task.version);
    const fields = await this.inputs.context(task.task_id, task.run);
    if (!fields) throw new Error(`task ${task.task_id} could not be read`);
    const plan = await planTask(
      compiled,
      {
        namespace: task.namespace,
        name: task.name,
        version: task.version,
        ...fields,
        bypass_steps: [],
        idempotency_key: null,
        run_at: null,
        delay_ms: null,
        priority: null,
      },
      { mode: 'deferred', taskId: task.task_id, correlationId: task.correlation_id, run: task.run },
    );
    const req: PlanRequest = {
      task_id: task.task_id,
      workerId: this.workerId,
      steps: plan.task.steps.map((s) => ({
        name: s.name,
        skip: s.initial_state === 'skipped',
        skip_reason: s.skip_reason ?? null,
        retry_limit: s.retry_limit,
        retryable: s.retryable,
        timeout_ms: s.timeout_ms,
      })),
      release: held.map((c) => ({ step_id: c.step_id, attempt: c.attempt })),
      annotations: plan.annotations,
    };
    const res = await this.store.applyPlan(req);
    if (res.planned) {
      this.logger.info(
        { ...taskLogFields(task), skipped: res.skipped.map((s) => s.name) },
        'planned a task submitted without its handlers',
      );
    }
    for (const s of res.skipped) {
      this.publisher.step(
        'step.skipped',
        task,
        { step_id: s.step_id, name: s.name, attempt: 0 },
        { reason: 'disabled by task handler' },
      );
    }
    if (res.finalized) this.finalizer.handle([res.finalized]);
  }
}
