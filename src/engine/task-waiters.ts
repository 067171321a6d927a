// Local wake-ups for callers waiting on a task's end; the waiting side still re-reads the store, so a task
// finished by another process is seen by polling.
export class TaskWaiters {
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
