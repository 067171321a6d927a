// Loads what a batch of claimed steps needs before their handlers run — each task's context and each step's
// upstream results — with one store call per kind per batch. Contexts (fixed within a run) are cached per task and
// run, and so are results of steps this process completed itself, so a chain or a join running here reads nothing
// back. A cached entry of another run than the claimed step's is never served: a rerun may have changed the context
// (context_patch) and reruns upstream steps, so it is dropped and read again. A context a claim handed over
// (`ClaimedStep.context`) is cached as if read. The upstream results a map instance reads are kept too (its siblings
// read the same).
import type { ClaimedStep, Store, StepSnapshotRequest, TaskContextRecord } from '../core/store-contract.js';
import type { StepSnapshot } from '../core/handler-api.js';
import { toSnapshot } from './handler-views.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';

const CONTEXT_CACHE_LIMIT = 10_000;
const RESULT_CACHE_TASKS = 10_000;

export interface StepInputs {
  task: TaskContextRecord;
  ancestors: StepSnapshot[];
}

export class StepInputLoader {
  private readonly contexts = new Map<number, { run: number; ctx: TaskContextRecord }>();
  private readonly results = new Map<number, { run: number; steps: Map<string, StepSnapshot> }>();

  constructor(private readonly store: Store) {}

  /** The inputs of every step of the batch when all are cached (no store read needed), else null. */
  cached(
    batch: readonly ClaimedStep[],
    ancestorsOf: (c: ClaimedStep) => readonly string[] | null,
  ): Map<number, StepInputs> | null {
    const out = new Map<number, StepInputs>();
    for (const c of batch) {
      if (c.context) this.remember(c.task.task_id, c.task.run, c.context);
      const task = this.cachedContext(c.task.task_id, c.task.run);
      if (!task) return null;
      const names = ancestorsOf(c);
      const ancestors: StepSnapshot[] = [];
      if (names && names.length) {
        const results = this.cachedResults(c.task.task_id, c.task.run);
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
      if (c.context) this.remember(id, c.task.run, c.context);
      if (!this.cachedContext(id, c.task.run) && !seenTask.has(id)) {
        missing.push(id);
        seenTask.add(id);
      }
      const names = ancestorsOf(c);
      if (names && names.length) {
        const cached = this.cachedResults(id, c.task.run);
        const missingNames = cached ? names.filter((n) => !cached.has(n)) : [...names];
        if (missingNames.length) requests.push({ task_id: id, names: missingNames });
      }
    }
    const [contexts, snapshots] = await Promise.all([
      missing.length ? this.store.getTaskContexts(missing) : Promise.resolve(new Map<number, TaskContextRecord>()),
      requests.length ? this.store.getStepSnapshots(mergeByTask(requests)) : Promise.resolve([]),
    ]);
    const runOf = new Map(batch.map((c) => [c.task.task_id, c.task.run]));
    for (const [id, ctx] of contexts) this.remember(id, runOf.get(id)!, ctx);
    const byTask = new Map<number, Map<string, StepSnapshot>>();
    for (const s of snapshots) {
      let m = byTask.get(s.task_id);
      if (!m) byTask.set(s.task_id, (m = new Map()));
      m.set(s.name, toSnapshot(s));
    }
    // A map's instances (many claims of one task, each reading the same upstream list): keep what was read, so the
    // next batches of the map are served from memory instead of reading and parsing the list again. An ancestor of a
    // claimed step is satisfied, so its results stay as they are for the rest of the run.
    for (const c of batch) {
      const m = byTask.get(c.task.task_id);
      if (m && parseMapInstanceName(c.name) !== null) {
        for (const snap of m.values()) this.rememberResult(c.task.task_id, c.task.run, snap);
      }
    }
    const out = new Map<number, StepInputs>();
    for (const c of batch) {
      const task = this.cachedContext(c.task.task_id, c.task.run) ?? contexts.get(c.task.task_id);
      if (!task) continue; // task vanished (deleted); the caller fails the step
      const names = ancestorsOf(c) ?? [];
      const m = byTask.get(c.task.task_id);
      const cached = this.cachedResults(c.task.task_id, c.task.run);
      const ancestors: StepSnapshot[] = [];
      for (const n of names) {
        const s = cached?.get(n) ?? m?.get(n);
        if (s) ancestors.push(s);
      }
      out.set(c.step_id, { task, ancestors });
    }
    return out;
  }

  /** One task's context and request fields at run `run` (cached; a context changes only with a new run). */
  async context(taskId: number, run: number): Promise<TaskContextRecord | undefined> {
    const hit = this.cachedContext(taskId, run);
    if (hit) return hit;
    const ctx = (await this.store.getTaskContexts([taskId])).get(taskId);
    if (ctx) this.remember(taskId, run, ctx);
    return ctx;
  }

  /** A step this process completed in run `run`: its snapshot serves its descendants in that run without a read. */
  rememberResult(taskId: number, run: number, snapshot: StepSnapshot): void {
    let entry = this.results.get(taskId);
    if (!entry || entry.run !== run)
      setBounded(this.results, taskId, (entry = { run, steps: new Map() }), RESULT_CACHE_TASKS);
    entry.steps.set(snapshot.name, snapshot);
  }

  forget(taskId: number): void {
    this.contexts.delete(taskId);
    this.results.delete(taskId);
  }

  /** The cached context of a task at `run`; an entry of another run is dropped. */
  private cachedContext(taskId: number, run: number): TaskContextRecord | undefined {
    const hit = this.contexts.get(taskId);
    if (hit === undefined) return undefined;
    if (hit.run === run) return hit.ctx;
    this.contexts.delete(taskId);
    return undefined;
  }

  /** The cached results of a task's steps in `run`; an entry of another run is dropped. */
  private cachedResults(taskId: number, run: number): Map<string, StepSnapshot> | undefined {
    const hit = this.results.get(taskId);
    if (hit === undefined) return undefined;
    if (hit.run === run) return hit.steps;
    this.results.delete(taskId);
    return undefined;
  }

  private remember(id: number, run: number, ctx: TaskContextRecord): void {
    setBounded(this.contexts, id, { run, ctx }, CONTEXT_CACHE_LIMIT);
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
