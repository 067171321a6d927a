// What happens once, in the process whose transaction ended a task: the task handler's `updateAnnotations` hook
// (annotations persisted before anyone hears of the end), the `tasker.task` span (tracing on), then `task.completed` /
// `task.failed`, then local waiters.
import type { FinalizedTask, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import { taskLogFields } from '../telemetry/log-fields.js';
import { ConfiguredTask } from '../core/handler-api.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { WorkflowCatalog } from './workflow-catalog.js';
import { makeSequenceView, makeTaskView, toFinishedStep } from './handler-views.js';
import type { TaskWaiters } from './task-waiters.js';
import type { TaskTracing } from './task-tracing.js';

export class TaskFinalizer {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    private readonly publisher: LifecyclePublisher,
    private readonly waiters: TaskWaiters,
    private readonly logger: Logger,
    private readonly onFinalized: (taskId: number) => void,
    private readonly tracing: TaskTracing,
  ) {}

  /** Handle finalised tasks without blocking the caller (the dispatch loop). */
  handle(finalized: readonly FinalizedTask[]): void {
    for (const f of finalized) {
      const p = this.finalize(f).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** Wait for in-progress finalisations (on close). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async finalize(f: FinalizedTask): Promise<void> {
    // Before anything forgets the task: its submission context parents the task span.
    const parent = this.tracing.active() ? await this.tracing.parentFor(f.task_id) : null;
    try {
      await this.runAnnotationsHook(f);
    } catch (err) {
      this.logger.error({ ...taskLogFields(f), err }, 'updateAnnotations hook failed; the task outcome is unchanged');
    }
    if (f.state === 'failed') {
      this.logger.error(
        { ...taskLogFields(f), step_count: f.step_count },
        'task failed: a step failed and nothing else can run',
      );
    }
    const span = parent ? this.tracing.taskEnded(f, f.state, f.completed_at, parent) : undefined;
    this.onFinalized(f.task_id);
    this.publisher.finalized(f, span);
    this.waiters.notify(f.task_id);
  }

  private async runAnnotationsHook(f: FinalizedTask): Promise<void> {
    let compiled;
    try {
      compiled = this.catalog.forTask(f.namespace, f.name, f.version);
    } catch {
      return; // template not registered here: nothing to call
    }
    const handler = compiled.taskHandler;
    const hook = handler.updateAnnotations;
    if (typeof hook !== 'function' || hook === ConfiguredTask.prototype.updateAnnotations) return;
    const record = await this.store.getTask(f.task_id);
    if (!record) return;
    const writes: Promise<void>[] = [];
    const view = makeTaskView(record, (id, a) => {
      const w = this.store.addAnnotation(id, a.annotation_type, a.content);
      writes.push(w);
      return w;
    });
    // A map's instances are summed up by their mapped step (its results array): not listed on their own.
    const steps = record.workflow_steps.filter((s) => s.map_of == null).map(toFinishedStep);
    await hook.call(handler, view, makeSequenceView(steps), steps);
    await Promise.all(writes);
  }
}
