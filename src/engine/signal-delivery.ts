// Signals for the Tasker facade: `Tasker.signal(taskId | { idempotencyKey }, name, payload, { signalId })`. The task's
// template (the definition it runs on) must declare a step waiting for the name (else NotFoundError: a typo never
// vanishes into the store); a finished task refuses (OperatorActionError, 409); the store keeps the signal until a
// waiting step consumes it and wakes the steps parked for it now. A repeated `signalId` is delivered once.
import { NotFoundError, OperatorActionError } from '../core/errors.js';
import type { SendSignalResult, Store } from '../core/store-contract.js';
import type { WorkflowCatalog } from './workflow-catalog.js';

/** A signal's address: a task id, or the idempotency key it was submitted with. */
export type SignalTarget = number | { idempotencyKey: string };

export interface SignalOptions {
  /** The sender's id of this signal: sending it again delivers nothing new. */
  signalId?: string;
  /** Who sent it (history and `listSignals`); default `api`. */
  actor?: string;
}

export interface SignalReceipt {
  task_id: number;
  name: string;
  signal_id: number;
  /** False when `signalId` was sent before (nothing changed). */
  delivered: boolean;
  /** Steps parked for it that became ready now. */
  woke: number;
}

export class SignalDelivery {
  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    private readonly wake: () => void,
  ) {}

  async send(
    target: SignalTarget,
    name: string,
    payload: unknown,
    options: SignalOptions = {},
  ): Promise<SignalReceipt> {
    const taskId = await this.taskIdOf(target);
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
    const compiled = this.catalog.forTask(task.namespace, task.name, task.version);
    const waiting = compiled.template.step_templates.filter((s) => s.wait_for?.signal === name).map((s) => s.name);
    if (waiting.length === 0) {
      const declared = [
        ...new Set(compiled.template.step_templates.flatMap((s) => (s.wait_for?.signal ? [s.wait_for.signal] : []))),
      ];
      throw new NotFoundError(
        `template ${compiled.key} declares no step waiting for signal '${name}'` +
          (declared.length ? `; it waits for: ${declared.join(', ')}` : '; it waits for no signal'),
        { task_id: taskId, signal: name },
      );
    }
    const res: SendSignalResult = await this.store.dynamic.sendSignal({
      task_id: taskId,
      name,
      signal_key: options.signalId ?? null,
      payload: payload ?? null,
      actor: options.actor ?? 'api',
      wake: waiting,
    });
    if (res.outcome === 'no_task') throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
    if (res.outcome === 'finished') {
      throw new OperatorActionError(`task ${taskId} is ${res.state}; a finished task takes no signal`);
    }
    if (res.woke > 0) this.wake();
    return { task_id: taskId, name, signal_id: res.signal_id, delivered: res.outcome === 'delivered', woke: res.woke };
  }

  private async taskIdOf(target: SignalTarget): Promise<number> {
    if (typeof target === 'number') return target;
    const id = await this.store.findTaskByIdempotencyKey(target.idempotencyKey);
    if (id === null) {
      throw new NotFoundError(`no task was submitted with idempotency key '${target.idempotencyKey}'`, {
        idempotency_key: target.idempotencyKey,
      });
    }
    return id;
  }
}
