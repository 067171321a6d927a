// Sub-workflows (`subtask`): a step with no handler that runs another template as a child task and completes with
// its results (a map of step name → results). Each claim of the step looks for its child by an idempotency key made
// of the parent task, step, run and attempt — so creating the child is idempotent per attempt, across crashes — and
// creates it when missing (its context from `context_from`, else the parent's; one its schema refuses fails the step
// for good with the schema errors), linked to the parent (`NewTask.parent`). While the child runs, the step parks with
// no deadline, holding no lease and no worker slot; the transaction that finishes the child makes it claimable again
// (a store trigger), and the next claim settles it: completed → completed with the child's results; failed → a
// retryable failure (the parent's retry policy decides whether a new child runs); cancelled → failed for good.
import type { Store, TaskRecord } from '../core/store-contract.js';
import { InvalidRequestError, PermanentError, RetryableError } from '../core/errors.js';
import type { SubtaskSpec } from '../definition/model.js';
import { pinnedSubtaskVersion } from '../definition/handler-naming.js';
import { parseValueRef, resolveValueRef } from '../definition/value-ref.js';
import type { TaskRequest } from './task-request.js';
import { failureOutcome, type Execution, type RunnableStep } from './step-execution.js';

/** Creates a child task linked to its parent step (TaskSubmitter.submitChild). */
export type ChildSubmit = (
  request: TaskRequest,
  parent: { task_id: number; step_id: number },
) => Promise<{ task_id: number }>;

/** The idempotency key of the child one attempt of a sub-workflow step creates. */
export function subtaskKey(taskId: number, stepId: number, run: number, attempt: number): string {
  return `tasker:subtask:${taskId}:${stepId}:${run}:${attempt}`;
}

export class SubtaskSteps {
  constructor(
    private readonly store: Store,
    private readonly workerId: string,
    private readonly submitChild: ChildSubmit,
    /** Deepest nesting of sub-workflows: a child at a greater depth is refused (the step fails for good). */
    private readonly maxDepth: number,
  ) {}

  async run(r: RunnableStep, spec: SubtaskSpec, item?: { value: unknown }): Promise<Execution> {
    const started = performance.now();
    const c = r.claimed;
    const base = { step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
    const elapsed = () => performance.now() - started;
    const key = subtaskKey(c.task.task_id, c.step_id, c.task.run, c.attempt);
    let child: TaskRecord | null;
    try {
      const existing = await this.store.findTaskByIdempotencyKey(key);
      const childId = existing ?? (await this.create(r, spec, key, item)).task_id;
      child = await this.store.getTask(childId);
      if (!child)
        throw new RetryableError(`sub-workflow task ${childId} was not found`, { errorCode: 'subtask_missing' });
    } catch (err) {
      return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
    }
    const what = `sub-workflow task ${child.task_id} (${child.namespace}/${child.name}@${child.version})`;
    switch (child.current_state) {
      case 'completed':
      case 'resolved_manually': {
        const results = Object.fromEntries(child.workflow_steps.map((s) => [s.name, s.results ?? null]));
        return { kind: 'outcome', outcome: { type: 'completed', ...base, results }, error: null, durationMs: 0 };
      }
      case 'failed': {
        const failed = child.workflow_steps.find((s) => s.current_state === 'failed');
        const why = failed ? `: step ${failed.name}: ${failed.error?.message ?? 'failed'}` : '';
        const err = new RetryableError(`${what} failed${why}`, { errorCode: 'subtask_failed' });
        return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
      }
      case 'cancelled': {
        const err = new PermanentError(`${what} was cancelled`, { errorCode: 'subtask_cancelled' });
        return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
      }
      default: {
        const d = await this.store.dynamic.beginWait({ ...base, workerId: this.workerId, run: c.task.run });
        if (d.kind === 'stale') return { kind: 'dropped', cause: 'lease_lost', durationMs: elapsed() };
        return {
          kind: 'outcome',
          outcome: { type: 'park', ...base, wait: 'subtask', untilMs: null, watch: child.task_id },
          error: null,
          durationMs: 0,
        };
      }
    }
  }

  private async create(r: RunnableStep, spec: SubtaskSpec, key: string, item?: { value: unknown }) {
    const c = r.claimed;
    const depth = (await this.depthOf(c.task.task_id)) + 1;
    if (depth > this.maxDepth) {
      throw new PermanentError(
        `sub-workflow ${spec.namespace}/${spec.name} would nest ${depth} levels deep; the limit is ${this.maxDepth}`,
        { errorCode: 'subtask_too_deep' },
      );
    }
    const version = spec.version ?? pinnedSubtaskVersion(c.handler_class);
    const request: TaskRequest = {
      namespace: spec.namespace,
      name: spec.name,
      version: version ?? null,
      context: childContext(spec, r, item),
      idempotency_key: key,
      initiator: `task:${c.task.task_id}`,
      source_system: 'tasker',
      reason: `sub-workflow of step ${c.name} of task ${c.task.task_id}`,
    };
    try {
      return await this.submitChild(request, { task_id: c.task.task_id, step_id: c.step_id });
    } catch (err) {
      if (err instanceof InvalidRequestError) {
        // The child's context fails its schema, or its template is unknown here: no retry can change that.
        throw new PermanentError(`sub-workflow ${spec.namespace}/${spec.name} refused: ${err.message}`, {
          errorCode: 'subtask_invalid',
        });
      }
      throw err;
    }
  }

  /** How many parents a task has (0 for a top-level task), read up to one past the limit. */
  private async depthOf(taskId: number): Promise<number> {
    let depth = 0;
    let id: number | null = taskId;
    while (id !== null && depth <= this.maxDepth) {
      const t: TaskRecord | null = await this.store.getTask(id);
      id = t?.parent_task_id ?? null;
      if (id !== null) depth += 1;
    }
    return depth;
  }
}

/** `context_from` resolved key by key (a missing value is left out), else the item of a map, else the parent's. */
function childContext(spec: SubtaskSpec, r: RunnableStep, item?: { value: unknown }): unknown {
  const from = spec.context_from;
  if (from === undefined) return item !== undefined ? item.value : r.task.context;
  const out: Record<string, unknown> = {};
  for (const [k, text] of Object.entries(from)) {
    const ref = parseValueRef(text);
    if ('error' in ref) throw new PermanentError(ref.error, { errorCode: 'subtask_invalid' });
    const v = resolveValueRef(ref, r.task.context, (name) => r.ancestors.find((a) => a.name === name)?.results);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
