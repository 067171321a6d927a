// Submitting tasks for the Tasker facade (tasker.ts): normalise and validate each request against its template, run
// the planning hook (or defer it to a worker that has the handlers), create the task(s) in the store (retried only when
// nothing was committed), then write the hook's annotations, publish creation-time skips and finalise a task that
// had nothing to run. With tracing on, each task gets a `tasker.submit` span and keeps its context for its steps.
import type { Span } from '@opentelemetry/api';
import type { CreateTaskResult, NewTask, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import type { EventBus } from './event-bus.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { CompiledTemplate, WorkflowCatalog } from './workflow-catalog.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { TaskTracing } from './task-tracing.js';
import { normaliseTaskRequest, type NormalisedTaskRequest, type TaskRequest } from './task-request.js';
import { retryUncommitted } from './submit-retry.js';
import { planTask, type PlanOptions, type TaskPlan } from './task-planner.js';

export interface SubmitResult {
  task_id: number;
  /** False when `idempotency_key` matched an existing task; nothing new was created. */
  created: boolean;
}

/** When a delayed task should start, by this process's clock (the store decides; this only arms a wake-up). */
function startAt(plan: TaskPlan): number | null {
  const { run_at, delay_ms } = plan.task;
  if (run_at !== null && run_at !== undefined) return run_at;
  return delay_ms !== null && delay_ms !== undefined ? Date.now() + delay_ms : null;
}

export class TaskSubmitter {
  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    private readonly bus: EventBus,
    private readonly publisher: LifecyclePublisher,
    private readonly finalizer: TaskFinalizer,
    private readonly tracing: TaskTracing,
    private readonly logger: Logger,
    /**
     * Called after a submission that created at least one task (the facade wakes its dispatcher when started), with
     * the earliest delayed start among them (epoch ms, local clock) or null.
     */
    private readonly created: (startAt: number | null) => void,
    /** Resolves once every registered template's definition is in the store (no task of an unstored one is made). */
    private readonly definitionsSaved: () => Promise<void>,
  ) {}

  /** Create one task (`Tasker.submit`). */
  async submit(request: TaskRequest): Promise<SubmitResult> {
    const req = normaliseTaskRequest(request);
    const compiled = this.catalog.forRequest(req.namespace, req.name, req.version);
    if (!this.tracing.active()) return this.submitOne(req, compiled, null);
    const span = this.tracing.startSubmit(req.namespace, req.name);
    try {
      return await this.tracing.within(span, () => this.submitOne(req, compiled, span));
    } catch (err) {
      if (span.isRecording()) this.tracing.endSubmit(span, null, false, [], err); // not ended yet
      throw err;
    }
  }

  private async submitOne(
    req: NormalisedTaskRequest,
    compiled: CompiledTemplate,
    span: Span | null,
  ): Promise<SubmitResult> {
    if (req.idempotency_key) {
      const key = req.idempotency_key;
      const existing = await retryUncommitted(
        () => this.store.findTaskByIdempotencyKey(key),
        this.logger,
        'idempotency_key lookup',
      );
      if (existing !== null) {
        if (span) this.tracing.endSubmitExisting(span, compiled.template, existing);
        return { task_id: existing, created: false };
      }
    }
    const plan = await planTask(compiled, req, this.planOptions(compiled));
    if (span) plan.task.trace_context = this.tracing.storedContext(span);
    await this.definitionsSaved();
    // Only the creation is retried (never the planning hooks, never the writes after it), and only on errors that
    // prove nothing was committed: a retry after a lost COMMIT acknowledgement could create a second task.
    const res = await retryUncommitted(() => this.store.createTask(plan.task), this.logger, 'createTask');
    if (span) this.tracing.endSubmitPlan(span, plan, res);
    const out = await this.afterCreate(plan, res);
    if (out.created) this.created(startAt(plan));
    return out;
  }

  /**
   * Create one task through `create` instead of `store.createTask` (a schedule's tick or trigger, which records the
   * tick in the same transaction), with submit's validation, planning, span and after-create work. `create` returns
   * null when it created nothing (the tick exists, the schedule is paused): then no span is exported (it is never
   * ended) and null is returned. `root`: the `tasker.submit` span starts a new trace (each tick is its own).
   */
  async submitThrough(
    request: TaskRequest,
    create: (task: NewTask) => Promise<CreateTaskResult | null>,
    root: boolean,
  ): Promise<SubmitResult | null> {
    const req = normaliseTaskRequest(request);
    const compiled = this.catalog.forRequest(req.namespace, req.name, req.version);
    const options = this.planOptions(compiled);
    await this.definitionsSaved();
    if (!this.tracing.active()) {
      const plan = await planTask(compiled, req, options);
      const res = await create(plan.task);
      return res === null ? null : this.finish(plan, res);
    }
    const span = this.tracing.startSubmit(req.namespace, req.name, root);
    try {
      return await this.tracing.within(span, async () => {
        const plan = await planTask(compiled, req, options);
        plan.task.trace_context = this.tracing.storedContext(span);
        const res = await create(plan.task);
        if (res === null) return null; // a span for nothing created would only be noise
        this.tracing.endSubmitPlan(span, plan, res);
        return this.finish(plan, res);
      });
    } catch (err) {
      if (span.isRecording()) this.tracing.endSubmit(span, null, false, [], err);
      throw err;
    }
  }

  /** A sub-workflow: a task linked to the parent step that waits for it (subtask-steps.ts). */
  async submitChild(request: TaskRequest, parent: { task_id: number; step_id: number }): Promise<SubmitResult> {
    const res = await this.submitThrough(request, (task) => this.store.createTask({ ...task, parent }), false);
    return res as SubmitResult; // the create above never returns null
  }

  private async finish(plan: TaskPlan, res: CreateTaskResult): Promise<SubmitResult> {
    const out = await this.afterCreate(plan, res);
    if (out.created) this.created(startAt(plan));
    return out;
  }

  /** Create many tasks in one store transaction (`Tasker.submitMany`: all or none, in request order). */
  async submitMany(requests: readonly TaskRequest[]): Promise<SubmitResult[]> {
    const plans: TaskPlan[] = [];
    for (let i = 0; i < requests.length; i++) {
      try {
        const req = normaliseTaskRequest(requests[i]!);
        const compiled = this.catalog.forRequest(req.namespace, req.name, req.version);
        plans.push(await planTask(compiled, req, this.planOptions(compiled)));
      } catch (err) {
        if (err instanceof Error && requests.length > 1)
          err.message = `request #${i + 1} of ${requests.length}: ${err.message}`;
        throw err;
      }
    }
    if (plans.length === 0) return [];
    await this.definitionsSaved();
    const tasks = plans.map((p) => p.task);
    const spans = this.tracing.startSubmits(tasks); // one per task, tracing on; each task keeps its context
    let results: CreateTaskResult[];
    try {
      results = await retryUncommitted(() => this.store.createTasks(tasks), this.logger, 'createTasks');
    } catch (err) {
      for (const span of spans) this.tracing.endSubmit(span, null, false, [], err);
      throw err;
    }
    spans.forEach((span, i) => this.tracing.endSubmitPlan(span, plans[i]!, results[i]!));
    const out: SubmitResult[] = [];
    for (let i = 0; i < plans.length; i++) out.push(await this.afterCreate(plans[i]!, results[i]!));
    if (out.some((r) => r.created)) {
      const starts = plans.map(startAt).filter((at): at is number => at !== null);
      this.created(starts.length > 0 ? Math.min(...starts) : null);
    }
    return out;
  }

  /** Plan now when this process can run the hook, else defer it; concurrency limits from the newest version. */
  private readonly childVersion = (namespace: string, name: string): string | undefined =>
    this.catalog.newest(namespace, name)?.version;

  private planOptions(compiled: CompiledTemplate): PlanOptions {
    const { namespace_name, name } = compiled.template;
    const newest = this.catalog.newest(namespace_name, name);
    return {
      mode: this.catalog.canPlan(compiled) ? 'submit' : 'defer',
      ...(newest ? { newest } : {}),
      childVersion: this.childVersion,
    };
  }

  /** Annotations from the planning hook, creation-time skip events and an at-once finalisation of a new task. */
  private async afterCreate(plan: TaskPlan, res: CreateTaskResult): Promise<SubmitResult> {
    if (!res.created) return { task_id: res.task_id, created: false };
    for (const a of plan.annotations) await this.store.addAnnotation(res.task_id, a.annotation_type, a.content);
    if (plan.task.steps.some((s) => s.initial_state === 'skipped') && this.bus.has('step.skipped')) {
      const record = await this.store.getTask(res.task_id);
      for (const s of record?.workflow_steps ?? []) {
        if (s.current_state === 'skipped')
          this.publisher.step(
            'step.skipped',
            record!,
            { step_id: s.workflow_step_id, name: s.name, attempt: 0 },
            { reason: 'skipped at creation' },
          );
      }
    }
    if (res.finalized) this.finalizer.handle([res.finalized]);
    return { task_id: res.task_id, created: true };
  }
}
