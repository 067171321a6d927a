// Operator actions on tasks for the Tasker facade (tasker.ts): cancelling a task (abort its handlers running here,
// publish `task.cancelled` with its span, drop its caches, wake local waiters, cancel its sub-workflows), retrying / resolving / skipping a
// step or retrying a task (operator spans, finalisation, a wake-up of the dispatch loop), and pausing and resuming a
// task, a template or a namespace (flow control; a resume wakes the dispatch loop). Reruns are task-rerun.ts.
import type {
  OperatorAction,
  OperatorResult,
  PauseTarget,
  Store,
  TaskPauseResult,
  TemplatePauseResult,
} from '../core/store-contract.js';
import type { Dispatcher } from './dispatcher.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { TaskTracing } from './task-tracing.js';
import type { TaskWaiters } from './task-waiters.js';

/** What the facade lends: whether it runs steps now, and how it drops what it caches of a finished task. */
export interface ControlHost {
  started(): boolean;
  forget(taskId: number): void;
}

/** Who acts and why, for the history rows of an operator action. */
export interface ActorOptions {
  /** Default `api`. */
  actor?: string;
  reason?: string;
}

function actorOf(options: ActorOptions): { actor: string; reason: string | null } {
  return { actor: options.actor ?? 'api', reason: options.reason ?? null };
}

export class TaskControl {
  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly publisher: LifecyclePublisher,
    private readonly finalizer: TaskFinalizer,
    private readonly waiters: TaskWaiters,
    private readonly tracing: TaskTracing,
    private readonly host: ControlHost,
  ) {}

  /** `Tasker.cancelTask`: false when the task was already terminal. */
  async cancel(taskId: number, options: { actor?: string; reason?: string }): Promise<boolean> {
    const res = await this.store.cancelTask(taskId, options.actor ?? 'api', options.reason ?? null);
    if (!res.cancelled) return false;
    this.dispatcher.abortSteps(res.running_step_ids, 'cancelled');
    const record = await this.store.getTask(taskId);
    if (record) {
      const now = Date.now();
      const span = this.tracing.active() ? await this.tracing.cancelled(record, now) : undefined;
      this.publisher.task(
        'task.cancelled',
        record,
        { current_state: 'cancelled', step_count: record.step_count, total_duration: now - record.created_at },
        span,
      );
    }
    this.host.forget(taskId);
    this.waiters.notify(taskId);
    // Its sub-workflows go with it (each in its own transaction; one left running by a crash here only finishes
    // unused: the transaction that ends it finds the parent's step cancelled and changes nothing).
    for (const child of await this.store.dynamic.childTasks(taskId)) {
      if (child.state !== 'pending' && child.state !== 'running') continue;
      await this.cancel(child.task_id, {
        actor: options.actor ?? 'api',
        reason: `its parent task ${taskId} was cancelled`,
      });
    }
    return true;
  }

  /** `Tasker.pauseTask` / `resumeTask`: OperatorActionError when the task is finished. */
  async pauseTask(taskId: number, on: boolean, options: ActorOptions): Promise<TaskPauseResult> {
    const { actor, reason } = actorOf(options);
    const res = on
      ? await this.store.pauseTask(taskId, actor, reason)
      : await this.store.resumeTask(taskId, actor, reason);
    if (!on && res.changed && this.host.started()) this.dispatcher.wake();
    return res;
  }

  /** `Tasker.pauseTemplate` / `pauseNamespace` and their resumes. */
  async pauseTemplates(target: PauseTarget, on: boolean, options: ActorOptions): Promise<TemplatePauseResult> {
    const { actor, reason } = actorOf(options);
    const res = on
      ? await this.store.pauseTemplates(target, actor, reason)
      : await this.store.resumeTemplates(target, actor, reason);
    if (!on && res.changed && this.host.started()) this.dispatcher.wake();
    return res;
  }

  /** `Tasker.operate`: illegal actions throw OperatorActionError (from the store). */
  async operate(action: OperatorAction): Promise<OperatorResult> {
    const res = await this.store.operate(action);
    if ((action.type === 'resolve_step' || action.type === 'skip_step') && this.tracing.active()) {
      await this.tracing.operatorStep(action.task_id, action.step_id, action.type === 'skip_step');
    }
    if (res.finalized) this.finalizer.handle([res.finalized]);
    if (this.host.started()) this.dispatcher.wake();
    return res;
  }
}
