// Rerun from a step, the engine side of `Tasker.rerun` and `Tasker.rerunWhere`: find the step (by id or name), apply
// an optional context patch and validate the result against the template's schema before the store is asked, then
// `Store.rerunFrom` (one transaction: the task starts its next run). The bulk form walks the tasks a filter selects in
// bounded pages (keyset order by id), with a dry run that only counts.
import { InvalidRequestError, isTaskerError, NotFoundError } from '../core/errors.js';
import { applyMergePatch } from '../core/json-merge-patch.js';
import { jsonProblems } from '../core/json-fidelity.js';
import type { TaskState } from '../core/states.js';
import type { RerunResult, Store, TaskListFilter, TaskRecord, TaskSummary } from '../core/store-contract.js';
import type { WorkflowCatalog } from './workflow-catalog.js';

export interface RerunOptions {
  /** Also rerun every step downstream of it (default true). */
  downstream?: boolean;
  /** Why: required, written to the history. */
  reason: string;
  /** Who: written to the history. Default `api`. */
  actor?: string;
  /** A JSON merge patch (RFC 7386) for the task context, validated against the template's schema. */
  contextPatch?: Record<string, unknown> | null;
}

/** Which tasks a bulk rerun touches: the task-list filters (completed and failed tasks only, whatever `state` says). */
export interface RerunFilter {
  namespace?: string;
  name?: string;
  version?: string;
  state?: TaskState | TaskState[];
  /** Every tag given must be on the task. */
  tag?: string | string[];
  created_after?: number;
  created_before?: number;
}

export interface RerunWhereOptions extends RerunOptions {
  /** Tasks read (and rerun) per page, 1..1000; default 100. */
  batchSize?: number;
  /** Count what would be rerun and change nothing. */
  dryRun?: boolean;
}

export interface RerunWhereResult {
  /** Tasks the filter selected that can be rerun (completed or failed). */
  matched: number;
  /** Tasks rerun (0 in a dry run). */
  rerun: number;
  /** The tasks rerun, or in a dry run those that would be. */
  task_ids: number[];
  /** Tasks that matched but could not be rerun, with why. */
  errors: Array<{ task_id: number; code: string; message: string }>;
  dry_run: boolean;
}

const RERUNNABLE: readonly TaskState[] = ['completed', 'failed'];
const DEFAULT_BATCH = 100;

export class TaskRerunner {
  constructor(
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
    /** Called after each rerun: drop local caches of the task, wake the dispatcher. */
    private readonly onRerun: (taskId: number) => void,
  ) {}

  /** Rerun one task from `step` (a workflow step id, or a step name). */
  async rerun(taskId: number, step: number | string, opts: RerunOptions): Promise<RerunResult> {
    if (typeof opts.reason !== 'string' || opts.reason.trim() === '') {
      throw new InvalidRequestError('rerun: reason is required (say why the task runs again)', [
        { field: 'reason', message: 'is required' },
      ]);
    }
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError(`task ${taskId} not found`, { task_id: taskId });
    const stepId = findStep(task, step);
    const patch = opts.contextPatch ?? null;
    if (patch !== null) this.checkPatchedContext(task, patch);
    const res = await this.store.rerunFrom(taskId, stepId, {
      downstream: opts.downstream ?? true,
      reason: opts.reason,
      actor: opts.actor ?? 'api',
      ...(patch !== null ? { contextPatch: patch, expectedRun: task.run } : {}),
    });
    this.onRerun(taskId);
    return res;
  }

  /** Rerun every completed or failed task `filter` selects from the step named `step`, a page at a time. */
  async rerunWhere(filter: RerunFilter, step: string, opts: RerunWhereOptions): Promise<RerunWhereResult> {
    if (typeof step !== 'string' || step === '') {
      throw new InvalidRequestError('rerunWhere: step must name a step', [{ field: 'step', message: 'is required' }]);
    }
    const limit = opts.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new InvalidRequestError(`rerunWhere: batch_size must be an integer from 1 to 1000, got ${limit}`, [
        { field: 'batch_size', message: 'must be an integer from 1 to 1000' },
      ]);
    }
    if (!opts.dryRun && (typeof opts.reason !== 'string' || opts.reason.trim() === '')) {
      throw new InvalidRequestError('rerunWhere: reason is required (say why the tasks run again)', [
        { field: 'reason', message: 'is required' },
      ]);
    }
    const tags = filter.tag === undefined ? [] : Array.isArray(filter.tag) ? filter.tag : [filter.tag];
    const wanted = filter.state === undefined ? null : Array.isArray(filter.state) ? filter.state : [filter.state];
    const states = RERUNNABLE.filter((s) => wanted === null || wanted.includes(s));
    const out: RerunWhereResult = { matched: 0, rerun: 0, task_ids: [], errors: [], dry_run: opts.dryRun === true };
    if (states.length === 0) return out;
    const base: TaskListFilter = {
      ...pick(filter, ['namespace', 'name', 'version', 'created_after', 'created_before']),
      state: states,
      ...(tags.length ? { tags } : {}),
      sort: 'task_id',
      order: 'asc',
      limit,
    };
    let cursor: string | null = null;
    do {
      const page = await this.store.listTasks({ ...base, cursor });
      for (const t of page.tasks) {
        out.matched += 1;
        const missing = this.lacksStep(t, step);
        if (missing) {
          out.errors.push({ task_id: t.task_id, code: 'not_found', message: missing });
        } else if (out.dry_run) {
          out.task_ids.push(t.task_id);
        } else {
          await this.rerunOne(t.task_id, step, opts, out);
        }
      }
      cursor = page.next_cursor;
    } while (cursor);
    return out;
  }

  private async rerunOne(taskId: number, step: string, opts: RerunOptions, out: RerunWhereResult): Promise<void> {
    try {
      await this.rerun(taskId, step, opts);
      out.rerun += 1;
      out.task_ids.push(taskId);
    } catch (err) {
      if (!isTaskerError(err)) throw err;
      out.errors.push({ task_id: taskId, code: err.code, message: err.message });
    }
  }

  /** Why a task's template (when registered here) has no such step, or null. */
  private lacksStep(t: TaskSummary, step: string): string | null {
    try {
      const compiled = this.catalog.forRequest(t.namespace, t.name, t.version);
      if (compiled.steps.has(step)) return null;
      return `task ${t.task_id} (${compiled.key}) has no step named '${step}'`;
    } catch {
      return null; // template not registered here: the store decides
    }
  }

  /** The patched context must be JSON and match the schema of the task's pinned template version. */
  private checkPatchedContext(task: TaskRecord, patch: Record<string, unknown>): void {
    if (typeof patch !== 'object' || Array.isArray(patch)) {
      throw new InvalidRequestError('context_patch must be a JSON object (a merge patch)', [
        { field: 'context_patch', message: 'must be an object' },
      ]);
    }
    const problems = jsonProblems(patch, 'context_patch');
    if (problems.length) {
      throw new InvalidRequestError(
        `context_patch cannot be stored as JSON: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        problems.map((p) => ({ field: p.path, message: p.message })),
      );
    }
    const compiled = this.catalog.forRequest(task.namespace, task.name, task.version);
    const merged = applyMergePatch(task.context, patch);
    const validate = compiled.validateContext;
    if (validate && !validate(merged)) {
      const details = (validate.errors ?? []).map((e) => ({
        field: `context${e.instancePath.replace(/\//g, '.')}`,
        message: `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`,
      }));
      throw new InvalidRequestError(
        `the patched context does not match the schema of ${compiled.key}: ${details.map((d) => d.message).join('; ')}`,
        details,
      );
    }
  }
}

/** A step of the task by workflow step id or name; NotFoundError listing its steps otherwise. */
function findStep(task: TaskRecord, step: number | string): number {
  const found =
    typeof step === 'number'
      ? task.workflow_steps.find((s) => s.workflow_step_id === step)
      : task.workflow_steps.find((s) => s.name === step);
  if (found) return found.workflow_step_id;
  const what = typeof step === 'number' ? `step ${step}` : `step named '${step}'`;
  const steps = task.workflow_steps
    .filter((s) => s.map_of == null)
    .map((s) => `${s.workflow_step_id} ${s.name}`)
    .join(', ');
  throw new NotFoundError(`task ${task.task_id} has no ${what} (its steps: ${steps})`, {
    task_id: task.task_id,
    ...(typeof step === 'number' ? { step_id: step } : { step }),
  });
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
