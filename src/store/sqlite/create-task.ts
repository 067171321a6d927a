// createTask on SQLite: idempotency check, task + steps + edges + history in one transaction; a task whose steps
// were all skipped finalises `completed` right there. A task held back (its template or namespace is paused, its
// start lies ahead) is created pending with waiting_for set, and none of its steps is claimable.
import type { CreateTaskResult, NewTask } from '../../core/store-contract.js';
import { encodeFaithfulJson } from '../shared/json.js';
import { REASONS, submittedReason } from '../shared/lifecycle-rules.js';
import { TEMPLATE_PAUSE } from '../shared/pause-rules.js';
import { reconcileGates } from './gates.js';
import type { TaskPlan } from '../shared/task-plan.js';
import type { Statements } from './statements.js';
import type { SqliteTx } from './tx.js';

/** Encoded JSON columns, computed before the transaction so a bad value fails before anything is written. */
export interface EncodedTask {
  context: string;
  tags: string;
}

export function encodeTask(task: NewTask): EncodedTask {
  const checked = task.checked === true;
  return {
    context: encodeFaithfulJson(task.context ?? null, 'task context', 'context', checked) ?? 'null',
    tags: encodeFaithfulJson(task.tags, 'task tags', 'tags', checked)!,
  };
}

/** Whether new tasks of namespace/name are held by a pause of their template or namespace. */
export type PauseLookup = (namespace: string, name: string) => boolean;

/**
 * A PauseLookup for one batch transaction (createTasks): a batch creates many tasks of one template, and nothing else
 * writes while it holds the write lock (pauses are set by transactions of their own), so the last answer is reused.
 */
export function batchPauseLookup(st: Statements): PauseLookup {
  let last: { namespace: string; name: string; paused: boolean } | null = null;
  return (namespace, name) => {
    if (last !== null && last.namespace === namespace && last.name === name) return last.paused;
    last = { namespace, name, paused: st.pausedFor.get(namespace, name) !== undefined };
    return last.paused;
  };
}

export function createTaskInTx(
  tx: SqliteTx,
  task: NewTask,
  plan: TaskPlan,
  encoded: EncodedTask,
  /** How to read pauses (a batch passes batchPauseLookup); default: read the store. */
  pauses?: PauseLookup,
): CreateTaskResult {
  const { st, now } = tx;
  if (task.idempotency_key !== null) {
    const existing = st.findTaskByKey.get(task.idempotency_key) as { task_id: number } | undefined;
    if (existing) return { task_id: existing.task_id, created: false, finalized: null };
  }
  // A task with nothing to run is never held: it finalises at once.
  const runAt = task.run_at ?? (task.delay_ms === null || task.delay_ms === undefined ? null : now + task.delay_ms);
  const paused =
    plan.openSteps > 0 &&
    (pauses ? pauses(task.namespace, task.name) : st.pausedFor.get(task.namespace, task.name) !== undefined);
  const delayed = plan.openSteps > 0 && runAt !== null && runAt > now;
  // Concurrency limits: a task with a limit of its own starts pending, queued for its slot (unless held otherwise).
  const gated = plan.openSteps > 0 && (!!task.concurrency || task.steps.some((s) => !!s.concurrency));
  const queued = gated && !!task.concurrency && !paused && !delayed;
  const waiting = paused ? 'paused' : delayed ? 'delay' : queued ? 'concurrency' : null;
  const held = waiting !== null;
  const info = st.insertTask.run(
    task.namespace,
    task.name,
    task.version,
    held ? 'pending' : 'running',
    encoded.context,
    task.initiator,
    task.source_system,
    task.reason,
    encoded.tags,
    task.idempotency_key,
    task.correlation_id,
    now,
    plan.steps.length,
    plan.openSteps,
    plan.satisfiedSteps,
    task.needs_plan === true ? 1 : 0,
    task.trace_context ?? null,
    task.priority ?? 0,
    runAt,
    waiting,
    paused ? TEMPLATE_PAUSE : 0,
    gated ? 1 : 0,
    gated ? (task.concurrency?.key ?? null) : null,
    gated && task.concurrency ? (queued ? 1 : 0) : null,
  );
  const taskId = Number(info.lastInsertRowid);
  tx.taskHistory(taskId, 'pending', held ? 'pending' : 'running', submittedReason(waiting));
  if (task.parent) st.setTaskParent.run(task.parent.task_id, task.parent.step_id, taskId);

  const ids: number[] = [];
  for (const planned of plan.steps) {
    const s = planned.step;
    // Positional binding (named binding costs more per call on this hot insert).
    const stepInfo = st.insertStep.run(
      taskId,
      s.name,
      s.handler_class,
      planned.state,
      JSON.stringify([...new Set(s.depends_on)]),
      planned.unmet,
      s.retry_limit,
      s.retryable ? 1 : 0,
      s.timeout_ms,
      s.skippable ? 1 : 0,
      planned.ready && !held ? now : null,
      planned.state === 'skipped' ? now : null,
      task.priority ?? 0,
      gated ? (s.concurrency?.key ?? null) : null,
      gated && s.concurrency ? 0 : null,
      s.rate_key ?? null,
    );
    const stepId = Number(stepInfo.lastInsertRowid);
    ids.push(stepId);
    if (planned.state === 'skipped') {
      tx.stepHistory({ step_id: stepId, task_id: taskId, state: 'pending' }, 'skipped', {
        reason: s.skip_reason ?? REASONS.disabled,
        attempt: 0,
      });
    }
  }
  for (const [parent, child] of plan.edges) st.insertEdge.run(ids[parent], ids[child]);
  if (!held) tx.readyCount += plan.openSteps;
  if (gated) {
    // the groups exist with the newest limits; the task and its ready steps take free slots or queue for them
    if (task.concurrency) st.upsertGroup.run(task.concurrency.key, task.concurrency.limit);
    for (const s of task.steps) if (s.concurrency) st.upsertGroup.run(s.concurrency.key, s.concurrency.limit);
    reconcileGates(tx, [taskId], task.initiator);
  }

  const finalized = plan.openSteps === 0 ? tx.finalizeIfDone(taskId) : null;
  return { task_id: taskId, created: true, finalized };
}
