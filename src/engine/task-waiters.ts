// Local wake-ups for callers waiting on a task's end; the waiting side still re-reads the store, so a task
// finished by another process is seen by polling.
import { NotFoundError, TaskerError } from '../core/errors.js';
import { TERMINAL_TASK_STATES } from '../core/states.js';
import type { Store, TaskRecord } from '../core/store-contract.js';

export interface WaitOptions {
  /** Give up after this long (TaskerError code `timeout`). Default: wait forever. */
  timeoutMs?: number;
  /** How often to re-read the store when the task may be finished elsewhere. Default 250 ms. */
  pollMs?: number;
}

export class TaskWaiters {
  /**
   * The task's record once it is terminal (finished here or by any other process), read again after `settle` (what
   * may still be writing for it); NotFoundError for an unknown task, TaskerError `timeout` past `timeoutMs`.
   */
  async untilFinished(
    store: Store,
    taskId: number,
    options: WaitOptions,
    settle: () => Promise<void>,
  ): Promise<TaskRecord> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const pollMs = options.pollMs ?? 250;
    for (;;) {
      const task = await store.getTask(taskId);
      if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
      if (TERMINAL_TASK_STATES.has(task.current_state)) {
        await settle();
        return (await store.getTask(taskId)) ?? task;
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TaskerError(`task ${taskId} is still ${task.current_state} after ${options.timeoutMs} ms`, 'timeout');
      await this.wait(taskId, Math.min(pollMs, left));
    }
  }

  private readonly waiting = new Map<number, Set<() => void>>();

  /** Resolves at the next notify for this task, or after `ms`, whichever is first. */
  wait(taskId: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiting.get(taskId);
      if (!set) this.waiting.set(taskId, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set!.delete(done);
        if (set!.size === 0) this.waiting.delete(taskId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  notify(taskId: number): void {
    const set = this.waiting.get(taskId);
    if (set) for (const done of [...set]) done();
  }

  notifyAll(): void {
    for (const id of [...this.waiting.keys()]) this.notify(id);
  }
}
