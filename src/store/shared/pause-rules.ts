// Backend-neutral rules of pausing (flow control): which tasks may be paused, what a task waits for given its pause
// bits (bit 1 its own pause, bit 2 its template's or namespace's), and how a pause target is checked and named.
import { InvalidRequestError, OperatorActionError } from '../../core/errors.js';
import type { TaskState, TaskWait } from '../../core/states.js';
import type { PausedTemplate, PauseTarget } from '../../core/store-contract.js';

/** Pause bit: the task itself was paused by an operator. */
export const OWN_PAUSE = 1;
/** Pause bit: the task's template or namespace is paused. */
export const TEMPLATE_PAUSE = 2;

/** A task whose state allows a pause or a resume; OperatorActionError naming the state otherwise. */
export function assertPausable(action: 'pause' | 'resume', taskId: number, state: TaskState): void {
  if (state === 'pending' || state === 'running') return;
  throw new OperatorActionError(
    `cannot ${action} task ${taskId}: it is ${state}; only pending or running tasks can be ${action}d`,
    { task_id: taskId, task_state: state, action },
  );
}

/**
 * What a task waits for after its pause bits changed: `paused` while any bit is set, else `delay` when it has not
 * started and its run_at is still ahead, else nothing (its held steps become claimable).
 */
export function waitAfterPause(paused: number, started: boolean, delayed: boolean): TaskWait | null {
  if (paused !== 0) return 'paused';
  return !started && delayed ? 'delay' : null;
}

/** Checks a pause target (a namespace, or namespace and template name); InvalidRequestError naming the field. */
export function assertPauseTarget(target: PauseTarget): { namespace: string; name: string } {
  const ok = (v: unknown) => typeof v === 'string' && v.trim() !== '' && !/[/@\s]/.test(v) && !v.includes('\u0000');
  if (!ok(target?.namespace)) {
    throw new InvalidRequestError(
      `pause target: namespace must be a non-empty name without '/', '@' or spaces, got ${JSON.stringify(target?.namespace)}`,
      [{ field: 'namespace', message: 'must be a template namespace' }],
    );
  }
  if (target.name !== undefined && target.name !== null && !ok(target.name)) {
    throw new InvalidRequestError(
      `pause target: name must be a non-empty template name without '/', '@' or spaces, got ${JSON.stringify(target.name)}`,
      [{ field: 'name', message: 'must be a template name' }],
    );
  }
  return { namespace: target.namespace, name: target.name ?? '' };
}

/** `template ecommerce/order_verification` or `namespace ecommerce`, for history reasons and messages. */
export function targetLabel(namespace: string, name: string): string {
  return name === '' ? `namespace ${namespace}` : `template ${namespace}/${name}`;
}

/** A paused_templates row as the contract's record (name '' is a whole namespace). */
export function mapPausedRow(row: Record<string, unknown>): PausedTemplate {
  const name = String(row.name);
  return {
    namespace: String(row.namespace),
    name: name === '' ? null : name,
    paused_at: Number(row.paused_at),
    actor: row.actor === null || row.actor === undefined ? null : String(row.actor),
    reason: row.reason === null || row.reason === undefined ? null : String(row.reason),
  };
}
