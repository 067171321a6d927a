// Loads what a batch of claimed steps needs before their handlers run — each task's context and each step's
// upstream results — with one store call per kind per batch. Contexts (immutable) are cached per task, and so are
// results of steps this process completed itself, so a chain or a join running here reads nothing back.
import type { ClaimedStep, Store, StepSnapshotRequest, TaskContextRecord } from '../core/store-contract.js';
import type { StepSnapshot } from '../core/handler-api.js';
import { toSnapshot } from './handler-views.js';

const CONTEXT_CACHE_LIMIT = 10_000;
const RESULT_CACHE_TASKS = 10_000;

export interface StepInputs {
  task: TaskContextRecord;
  ancestors: StepSnapshot[];
}

export class StepInputLoader {
  private readonly contexts = new Map<number, TaskContextRecord>();
  private readonly results = new Map<number, Map<string, StepSnapshot>>();

  constructor(private readonly store: Store) {}

  /** The inputs of every step of the batch when all are cached (no store read needed), else null. */
  cached(
    batch: readonly ClaimedStep[],
    ancestorsOf: (c: ClaimedStep) => readonly string[] | null,
  ): Map<number, StepInputs> | null {
    const out = new Map<number, StepInputs>();
    for (const c of batch) {
      const task = this.contexts.get(c.task.task_id);
      if (!task) return null;
      const names = ancestorsOf(c);
      const ancestors: StepSnapshot[] = [];
      if (names && names.length) {
        const results = this.results.get(c.task.task_id);
        if (!results) return null;
        for (const n of names) {
          const s = results.get(n);
          if (!s) return null;
          ancestors.push(s);
        }
      }
      out.set(c.step_id, { task, ancestors });
    }
    return out;
  }

  /** `ancestorsOf(step)` gives the names of the step's upstream steps (from the compiled template). */
  async load(
    batch: readonly ClaimedStep[],
    ancestorsOf: (c: ClaimedStep) => readonly string[] | null,
  ): Promise<Map<number, StepInputs>> {
    const missing: number[] = [];
    const requests: StepSnapshotRequest[] = [];
    const seenTask = new Set<number>();
    for (const c of batch) {
      const id = c.task.task_id;
      if (!this.contexts.has(id) && !seenTask.has(id)) {
        missing.push(id);
        seenTask.add(id);
      }
      const names = ancestorsOf(c);
      if (names && names.length) {
        const cached = this.results.get(id);
        const missingNames = cached ? names.filter((n) => !cached.has(n)) : [...names];
        if (missingNames.length) requests.push({ task_id: id, names: missingNames });
      }
    }
    const [contexts, snapshots] = await Promise.all([
      missing.length ? this.store.getTaskContexts(missing) : Promise.resolve(new Map<number, TaskContextRecord>()),
      requests.length ? this.store.getStepSnapshots(mergeByTask(requests)) : Promise.resolve([]),
    ]);
    for (const [id, ctx] of contexts) this.remember(id, ctx);
    const byTask = new Map<number, Map<string, StepSnapshot>>();
    for (const s of snapshots) {
      let m = byTask.get(s.task_id);
      if (!m) byTask.set(s.task_id, (m = new Map()));
      m.set(s.name, toSnapshot(s));
    }
    const out = new Map<number, StepInputs>();
    for (const c of batch) {
      const task = this.contexts.get(c.task.task_id) ?? contexts.get(c.task.task_id);
      if (!task) continue; // task vanished (deleted); the caller fails the step
      const names = ancestorsOf(c) ?? [];
      const m = byTask.get(c.task.task_id);
      const cached = this.results.get(c.task.task_id);
      const ancestors: StepSnapshot[] = [];
      for (const n of names) {
        const s = cached?.get(n) ?? m?.get(n);
        if (s) ancestors.push(s);
      }
      out.set(c.step_id, { task, ancestors });
    }
    return out;
  }

  /** One task's context and request fields (cached; contexts never change). */
  async context(taskId: number): Promise<TaskContextRecord | undefined> {
    const hit = this.contexts.get(taskId);
    if (hit) return hit;
    const ctx = (await this.store.getTaskContexts([taskId])).get(taskId);
    if (ctx) this.remember(taskId, ctx);
    return ctx;
  }

  /** A step this process completed: its snapshot serves its descendants without a read. */
  rememberResult(taskId: number, snapshot: StepSnapshot): void {
    let m = this.results.get(taskId);
    if (!m) setBounded(this.results, taskId, (m = new Map()), RESULT_CACHE_TASKS);
    m.set(snapshot.name, snapshot);
  }

  forget(taskId: number): void {
    this.contexts.delete(taskId);
    this.results.delete(taskId);
  }

  private remember(id: number, ctx: TaskContextRecord): void {
    setBounded(this.contexts, id, ctx, CONTEXT_CACHE_LIMIT);
  }
}

/** Insert into a cache that holds at most `limit` entries, evicting the oldest insertion first. */
function setBounded<V>(cache: Map<number, V>, key: number, value: V, limit: number): void {
  if (cache.size >= limit && !cache.has(key)) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

function mergeByTask(requests: StepSnapshotRequest[]): StepSnapshotRequest[] {
  const m = new Map<number, Set<string>>();
  for (const r of requests) {
    let s = m.get(r.task_id);
    if (!s) m.set(r.task_id, (s = new Set()));
    for (const n of r.names) s.add(n);
  }
  return [...m].map(([task_id, names]) => ({ task_id, names: [...names] }));
}
