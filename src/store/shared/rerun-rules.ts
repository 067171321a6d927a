// Backend-neutral rules of a rerun from a step (Store.rerunFrom): which tasks and steps may be rerun, which steps
// return to pending (the step and, downstream, its descendants; descendants bypassed by the request or routed away
// by a step that does not run again stay skipped), every step's `unmet` and the task's counters after the reset,
// whether the planning hook runs again, and the text of the history rows. Both stores read the task's steps, call
// `planRerun` and write what it says.
import { InvalidRequestError, OperatorActionError } from '../../core/errors.js';
import { SATISFYING_STEP_STATES, type StepState, type TaskState } from '../../core/states.js';
import type { RerunOptions, StepId, TaskId } from '../../core/store-contract.js';
import { countsAsOpen } from './lifecycle-rules.js';
import { assertActor, assertReason } from './request-checks.js';

/** What a rerun reads of each step of the task. */
export interface RerunStepRow {
  step_id: StepId;
  name: string;
  state: StepState;
  unmet: number;
  attempts: number;
  depends_on: readonly string[];
  /** The reason of its latest move to `skipped` (when skipped). */
  skip_reason: string | null;
  /** A map instance: its mapped step's id (null or absent otherwise). */
  map_of?: StepId | null;
  /** A mapped step expanded in this run: its instance count (null or absent otherwise). */
  map_size?: number | null;
}

export interface RerunPlan {
  /** Steps returned to pending, in id order, with their new `unmet` and whether they are claimable at once. */
  reset: Array<RerunStepRow & { new_unmet: number; ready: boolean }>;
  /** Other steps whose `unmet` changes (children of reset steps that keep their state). */
  unmet: Array<{ step_id: StepId; unmet: number }>;
  kept_skipped: StepId[];
  /**
   * The instances of reset mapped steps: deleted (with their edges and history), so the step maps its list afresh in
   * the new run; the task's step count drops by as many.
   */
  dropped: StepId[];
  open_steps: number;
  satisfied_steps: number;
  /** The planning hook runs again before the new run (hook-disabled steps were reset, or the context changed). */
  replan: boolean;
}

/** Tasks a rerun accepts. */
const RERUNNABLE_TASK_STATES: ReadonlySet<TaskState> = new Set(['completed', 'failed']);

/** Skip reasons the planning hook writes (creation and deferred planning): such steps are planned again. */
const HOOK_SKIP_REASONS: ReadonlySet<string> = new Set([
  'disabled',
  'disabled by task handler',
  'reachable only through disabled steps',
]);
const BYPASSED = 'bypassed by request';
const ROUTED_AWAY = /^routed away by (.+)$/;

/** Checks of the caller's options (actor, reason, patch), before any transaction. */
export function assertRerunOptions(opts: RerunOptions): void {
  assertActor(opts.actor, 'rerunFrom');
  if (typeof opts.reason !== 'string' || opts.reason.trim() === '') {
    throw new InvalidRequestError('rerunFrom: reason must say why the task runs again', [
      { field: 'reason', message: 'is required' },
    ]);
  }
  assertReason(opts.reason, 'rerunFrom');
  if (opts.downstream !== undefined && typeof opts.downstream !== 'boolean') {
    throw new InvalidRequestError('rerunFrom: downstream must be a boolean');
  }
  const p = opts.contextPatch;
  if (p !== undefined && p !== null && (typeof p !== 'object' || Array.isArray(p))) {
    throw new InvalidRequestError('rerunFrom: contextPatch must be a JSON object (a merge patch)', [
      { field: 'context_patch', message: 'must be an object' },
    ]);
  }
}

export function assertTaskRerunnable(
  taskId: TaskId,
  task: { state: TaskState; run: number },
  expectedRun: number | undefined,
): void {
  if (!RERUNNABLE_TASK_STATES.has(task.state)) {
    throw new OperatorActionError(
      `cannot rerun task ${taskId}: it is ${task.state}; only completed or failed tasks can be rerun`,
      { task_id: taskId, task_state: task.state, action: 'rerun' },
    );
  }
  if (expectedRun !== undefined && task.run !== expectedRun) {
    throw new OperatorActionError(
      `cannot rerun task ${taskId}: it is at run ${task.run}, not run ${expectedRun} (it was rerun meanwhile)`,
      { task_id: taskId, run: task.run, expected_run: expectedRun, action: 'rerun' },
    );
  }
}

/** The step and, downstream, every step that depends on it directly or not, by name. */
function affectedNames(steps: readonly RerunStepRow[], target: string, downstream: boolean): Set<string> {
  const out = new Set([target]);
  if (!downstream) return out;
  const children = new Map<string, string[]>();
  for (const s of steps) for (const p of s.depends_on) children.set(p, [...(children.get(p) ?? []), s.name]);
  const queue = [target];
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      if (!out.has(c)) {
        out.add(c);
        queue.push(c);
      }
    }
  }
  return out;
}

/** Whether a skipped descendant keeps its state: bypassed, or routed away by a step that does not run again. */
function keepsSkip(step: RerunStepRow, affected: ReadonlySet<string>): boolean {
  if (step.state !== 'skipped' || step.skip_reason === null) return false;
  if (step.skip_reason === BYPASSED) return true;
  const routed = ROUTED_AWAY.exec(step.skip_reason);
  return routed !== null && !affected.has(routed[1]!);
}

/**
 * What a rerun of `target` does to a task's steps (`steps`: all of them). Refuses (OperatorActionError) when a parent
 * of the step is not satisfied: the step could not run, and the task would finish again at once.
 */
export function planRerun(
  taskId: TaskId,
  allSteps: readonly RerunStepRow[],
  target: RerunStepRow,
  downstream: boolean,
  contextPatched: boolean,
): RerunPlan {
  // A map's instances are not steps of the template: the graph is the template's, and a reset mapped step drops them.
  const mapped = allSteps.find((s) => s.step_id === target.map_of);
  if (target.map_of != null) {
    throw new OperatorActionError(
      `cannot rerun map instance "${target.name}" (${target.step_id}) of task ${taskId}: rerun its mapped step ` +
        `"${mapped?.name ?? '?'}" (${target.map_of}) instead, which maps its list again`,
      { task_id: taskId, step_id: target.step_id, action: 'rerun' },
    );
  }
  const steps = allSteps.filter((s) => s.map_of == null);
  const instancesOf = new Map<StepId, RerunStepRow[]>();
  for (const s of allSteps) {
    if (s.map_of == null) continue;
    const list = instancesOf.get(s.map_of);
    if (list) list.push(s);
    else instancesOf.set(s.map_of, [s]);
  }
  const byName = new Map(steps.map((s) => [s.name, s]));
  const blocking = target.depends_on.filter((p) => !SATISFYING_STEP_STATES.has(byName.get(p)?.state ?? 'pending'));
  if (blocking.length) {
    throw new OperatorActionError(
      `cannot rerun step "${target.name}" (${target.step_id}) of task ${taskId}: its upstream step(s) ` +
        `${blocking.map((b) => `"${b}" (${byName.get(b)?.state ?? 'missing'})`).join(', ')} are not completed, ` +
        'skipped or resolved; rerun from there instead',
      { task_id: taskId, step_id: target.step_id, blocking, action: 'rerun' },
    );
  }
  const affected = affectedNames(steps, target.name, downstream);
  const kept = new Set<string>();
  for (const s of steps) if (s.name !== target.name && affected.has(s.name) && keepsSkip(s, affected)) kept.add(s.name);
  const state = new Map<string, StepState>();
  for (const s of steps) state.set(s.name, affected.has(s.name) && !kept.has(s.name) ? 'pending' : s.state);
  const plan: RerunPlan = {
    reset: [],
    unmet: [],
    kept_skipped: [],
    dropped: [],
    open_steps: 0,
    satisfied_steps: 0,
    replan: contextPatched,
  };
  // Instances of mapped steps that stay as they are keep their state; a kept mapped step also waits for them.
  const rows: RerunStepRow[] = [...steps];
  const parents = new Map<StepId, readonly string[]>();
  for (const s of steps) {
    const instances = instancesOf.get(s.step_id);
    if (!instances) continue;
    if (affected.has(s.name) && !kept.has(s.name)) {
      plan.dropped.push(...instances.map((i) => i.step_id));
      continue;
    }
    for (const i of instances) state.set(i.name, i.state);
    rows.push(...instances);
    parents.set(s.step_id, [...s.depends_on, ...instances.map((i) => i.name)]);
  }
  for (const s of rows) {
    const now = state.get(s.name)!;
    const unmet = (parents.get(s.step_id) ?? s.depends_on).filter(
      (p) => !SATISFYING_STEP_STATES.has(state.get(p) ?? 'pending'),
    ).length;
    if (countsAsOpen(now, unmet)) plan.open_steps += 1;
    if (SATISFYING_STEP_STATES.has(now)) plan.satisfied_steps += 1;
    if (kept.has(s.name)) plan.kept_skipped.push(s.step_id);
    if (affected.has(s.name) && !kept.has(s.name)) {
      plan.reset.push({ ...s, new_unmet: unmet, ready: unmet === 0 });
      if (s.state === 'skipped' && s.skip_reason !== null && HOOK_SKIP_REASONS.has(s.skip_reason)) plan.replan = true;
    } else if (unmet !== s.unmet) {
      plan.unmet.push({ step_id: s.step_id, unmet });
    }
  }
  plan.reset.sort((a, b) => a.step_id - b.step_id);
  plan.dropped.sort((a, b) => a - b);
  return plan;
}

/** The reason of a rerun's history rows: what the operator said, and the context patch when there was one. */
export function rerunReason(stepName: string, reason: string, contextPatchJson: string | null): string {
  const patch = contextPatchJson === null ? '' : `; context_patch ${contextPatchJson}`;
  return `rerun from ${stepName}: ${reason}${patch}`;
}

/** A reset step gets a history row unless it is pending already (a step behind a failure that never ran). */
export function resetNeedsHistory(step: { state: StepState }): boolean {
  return step.state !== 'pending';
}
