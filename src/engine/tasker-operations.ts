// The operator surface of the `Tasker` facade (tasker.ts extends it): cancelling tasks, flow control (pauses,
// concurrency groups, rate limits), signals, operator actions, reruns and retention. One-line delegations to the
// engine's parts (engine-parts.ts), kept apart so the facade's core — opening, registering, submitting, reading,
// running and closing — stays readable.
import type {
  ConcurrencyGroup,
  OperatorAction,
  OperatorResult,
  PausedTemplate,
  PruneResult,
  RateLimitInfo,
  Store,
  TaskPauseResult,
  TemplatePauseResult,
} from '../core/store-contract.js';
import { NotFoundError } from '../core/errors.js';
import type { RateLimitInput } from '../definition/define-task.js';
import type { EngineParts } from './engine-parts.js';
import type { ActorOptions } from './task-control.js';
import type { SignalOptions, SignalReceipt, SignalTarget } from './signal-delivery.js';
import type { TaskJson } from './task-json.js';
import type { RerunFilter, RerunOptions, RerunWhereOptions, RerunWhereResult } from './task-rerun.js';
import { pruneInBatches, type PruneOptions } from './retention.js';
import { setRateLimit } from './rate-limits.js';

export abstract class TaskerOperations {
  abstract readonly store: Store;
  /** The engine's parts (the facade builds them). */
  protected abstract get parts(): EngineParts;
  abstract getTask(taskId: number): Promise<TaskJson | null>;

  /** Cancel a task: pending steps are cancelled and in-flight handlers see `step.signal` abort. */
  cancelTask(taskId: number, options: { actor?: string; reason?: string } = {}): Promise<boolean> {
    return this.parts.control.cancel(taskId, options);
  }

  /**
   * Pause a pending or running task: no new step of it starts, running steps finish (and make nothing claimable);
   * recorded in its history with the actor. OperatorActionError when the task is finished.
   */
  pauseTask(taskId: number, options: ActorOptions = {}): Promise<TaskPauseResult> {
    return this.parts.control.pauseTask(taskId, true, options);
  }

  /** Resume a task paused by `pauseTask`; it still waits while its template or namespace is paused. */
  resumeTask(taskId: number, options: ActorOptions = {}): Promise<TaskPauseResult> {
    return this.parts.control.pauseTask(taskId, false, options);
  }

  /**
   * Pause a template, every version (kept in the store: it holds for every process): new tasks are accepted and wait
   * (`pending`, waiting_for `paused`), unfinished ones finish the steps they are in and start no new one.
   */
  pauseTemplate(namespace: string, name: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.parts.control.pauseTemplates({ namespace, name }, true, options);
  }

  resumeTemplate(namespace: string, name: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.parts.control.pauseTemplates({ namespace, name }, false, options);
  }

  /** `pauseTemplate` for every template of a namespace, present and future. */
  pauseNamespace(namespace: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.parts.control.pauseTemplates({ namespace }, true, options);
  }

  resumeNamespace(namespace: string, options: ActorOptions = {}): Promise<TemplatePauseResult> {
    return this.parts.control.pauseTemplates({ namespace }, false, options);
  }

  /** Every paused template and namespace. */
  listPaused(): Promise<PausedTemplate[]> {
    return this.store.listPaused();
  }

  /** Every concurrency slot group: its limit, the slots held and the work waiting for one. */
  concurrencyGroups(): Promise<ConcurrencyGroup[]> {
    return this.store.concurrencyGroups();
  }

  /** Set a rate limit by hand (it overrides every template's declaration of the name). */
  setRateLimit(name: string, spec: RateLimitInput, options: ActorOptions = {}): Promise<RateLimitInfo> {
    return setRateLimit(this.store, name, spec, options.actor ?? 'api');
  }

  /** Every rate limit: its spec, where it came from, its buckets and the steps waiting for a token. */
  listRateLimits(): Promise<RateLimitInfo[]> {
    return this.store.rateLimits.listRateLimits();
  }

  /**
   * Send a signal to a task (by id, or by the idempotency key it was submitted with): the step waiting for `name`
   * completes with `payload` as its results, now or when it starts waiting (signal-delivery.ts).
   */
  signal(target: SignalTarget, name: string, payload?: unknown, options?: SignalOptions): Promise<SignalReceipt> {
    return this.parts.signals.send(target, name, payload, options);
  }

  /** Operator actions: retry/resolve/skip a step, retry a task. Illegal ones throw OperatorActionError. */
  operate(action: OperatorAction): Promise<OperatorResult> {
    return this.parts.control.operate(action);
  }

  /**
   * Rerun a completed or failed task from a step (id or name) and, unless `downstream: false`, all that is downstream
   * of it, at its next run (task-rerun.ts). Returns the task JSON after the reset; OperatorActionError when illegal.
   */
  async rerun(taskId: number, step: number | string, options: RerunOptions): Promise<TaskJson> {
    await this.parts.rerunner.rerun(taskId, step, options);
    const task = await this.getTask(taskId);
    if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
    return task;
  }

  /** `rerun` for every completed or failed task `filter` selects, a page at a time; `dryRun` only counts. */
  rerunWhere(filter: RerunFilter, step: string, options: RerunWhereOptions): Promise<RerunWhereResult> {
    return this.parts.rerunner.rerunWhere(filter, step, options);
  }

  /**
   * Delete finished tasks older than their cutoffs (ages such as `30d`, or dates) with their steps, history and
   * annotations, a transaction of `batchSize` tasks at a time (retention.ts); `dryRun` only counts. A pruned task's
   * idempotency key is free again.
   */
  prune(options: PruneOptions): Promise<PruneResult> {
    return pruneInBatches(this.store, options);
  }
}
