// Concurrency limits on SQLite (statements: sql/gates.ts), inside the caller's write transaction: reconcile the slots
// and queues of tasks after any change (the one rule every path uses), give released slots back and admit queued
// work, task groups first. A task takes its slot when its first steps would become claimable and holds it until it
// finishes; a step takes its slot when it becomes ready and holds it until it finishes (retries' backoff included).
// Queued work keeps ready_at NULL: out of the claim index.
import type { StepState, TaskState } from '../../core/states.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { Statements } from './statements.js';

/** What a transaction lends the gates: its statements, clock, wake-up counter and history writer. */
export interface GateTx {
  readonly st: Statements;
  readonly now: number;
  readyCount: number;
  taskHistory(taskId: number, from: TaskState, to: TaskState, reason: string | null, actor?: string | null): void;
}

interface GateTaskRow {
  state: TaskState;
  paused: number;
  waiting_for: string | null;
  gates: number;
  gate_key: string | null;
  gate: number | null;
}

interface GateStepRow {
  step_id: number;
  state: StepState;
  unmet: number;
  gate: number;
  gate_key: string;
  ready_at: number | null;
}

/** Slots to give back and groups to admit from, gathered over the tasks of one reconcile. */
class Settlement {
  readonly taskRelease: string[] = [];
  readonly stepRelease: string[] = [];
  readonly taskQueue = new Set<string>();
  readonly stepQueue = new Set<string>();
}

const readyShaped = (s: { state: StepState; unmet: number }) =>
  (s.state === 'pending' && s.unmet === 0) || s.state === 'retrying';

function reconcileTask(tx: GateTx, taskId: number, out: Settlement): void {
  const { st, now } = tx;
  const t = st.gateTask.get(taskId) as GateTaskRow | undefined;
  if (!t || t.gates !== 1) return;
  const finished = t.state !== 'pending' && t.state !== 'running';
  if (finished && t.gate_key !== null && (t.gate ?? 0) > 0) {
    if (t.gate === 2) out.taskRelease.push(t.gate_key);
    st.setTaskGate.run(0, null, taskId);
  }
  const steps = st.gateSteps.all(taskId) as GateStepRow[];
  for (const s of steps) {
    const active = s.state === 'pending' || s.state === 'running' || s.state === 'retrying';
    if ((s.gate ?? 0) > 0 && (!active || (s.state === 'pending' && s.unmet > 0) || finished)) {
      if (s.gate === 2) out.stepRelease.push(s.gate_key);
      st.setStepGate.run(0, null, s.step_id);
      s.gate = 0;
    }
  }
  if (finished) return;
  const held = t.paused !== 0 || t.waiting_for === 'delay';
  let waiting = t.waiting_for;
  if (held && t.gate === 1) st.setTaskGate.run(0, waiting, taskId);
  if (!held && t.gate_key !== null && (t.gate === 0 || t.gate === 1)) {
    waiting = 'concurrency';
    st.setTaskGate.run(1, waiting, taskId);
    st.holdTaskSteps.run(taskId);
    out.taskQueue.add(t.gate_key);
  }
  if (held || waiting !== null) return;
  for (const s of steps) {
    if (!readyShaped(s) || (s.gate === 2 && s.ready_at !== null)) continue;
    if (s.gate === 2) {
      st.setStepGate.run(2, now, s.step_id);
      tx.readyCount += 1;
    } else {
      st.setStepGate.run(1, null, s.step_id);
      out.stepQueue.add(s.gate_key);
    }
  }
}

/** Hand a task group's free slots to its queued tasks; returns the step groups their ready steps queued for. */
function admitTasks(tx: GateTx, key: string, actor: string | null): string[] {
  const { st, now } = tx;
  const free = (st.groupFree.get(key) as { free: number } | undefined)?.free ?? 0;
  if (free <= 0) return [];
  const picked = st.queuedTasks.all(key, free) as Array<{ task_id: number; state: TaskState }>;
  const stepKeys: string[] = [];
  for (const t of picked) {
    st.setTaskGate.run(2, null, t.task_id);
    tx.taskHistory(t.task_id, t.state, t.state, REASONS.slotFree, actor);
    for (const r of st.releaseAdmitted.all(now, t.task_id) as Array<{ gate_key: string | null; gate: number }>) {
      if (r.gate_key === null || r.gate === 2) tx.readyCount += 1;
      else stepKeys.push(r.gate_key);
    }
  }
  if (picked.length > 0) st.groupTake.run(picked.length, key);
  return stepKeys;
}

/** Hand a step group's free slots to its queued steps. */
function admitSteps(tx: GateTx, key: string): void {
  const { st, now } = tx;
  const free = (st.groupFree.get(key) as { free: number } | undefined)?.free ?? 0;
  if (free <= 0) return;
  const picked = st.queuedSteps.all(key, free) as Array<{ step_id: number }>;
  for (const s of picked) st.setStepGate.run(2, now, s.step_id);
  if (picked.length > 0) st.groupTake.run(picked.length, key);
  tx.readyCount += picked.length;
}

const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const count = (list: string[], key: string) => list.filter((k) => k === key).length;

/**
 * Bring the concurrency slots and queues of these tasks in line with their states: finished work gives its slot back,
 * held tasks leave their queue, tasks and ready steps that may run take a free slot or queue for one.
 */
export function reconcileGates(tx: GateTx, taskIds: Iterable<number>, actor: string | null): void {
  const out = new Settlement();
  for (const id of new Set(taskIds)) reconcileTask(tx, id, out);
  const { st } = tx;
  const stepKeys = new Set(out.stepQueue);
  for (const key of sorted([...out.taskRelease, ...out.taskQueue])) {
    const released = count(out.taskRelease, key);
    if (released > 0) st.groupTake.run(-released, key);
    for (const k of admitTasks(tx, key, actor)) stepKeys.add(k);
  }
  for (const key of sorted([...out.stepRelease, ...stepKeys])) {
    const released = count(out.stepRelease, key);
    if (released > 0) st.groupTake.run(-released, key);
    admitSteps(tx, key);
  }
}
