// Dynamic workflows on SQLite (core/store-dynamic.ts): parking a step with no handler (a park outcome inside a
// completion), deciding a claimed wait step's fate (`beginWait`), storing signals and waking the steps parked for
// them (`sendSignal`), and listing a task's signals. The write lock serialises all of it, so a signal and a park
// never miss each other.
import type {
  MapState,
  BeginWaitRequest,
  ChildTask,
  BeginWaitResult,
  SendSignalRequest,
  SendSignalResult,
  SignalRecord,
  StepOutcome,
  DynamicStore,
  TaskId,
} from '../../core/store-contract.js';
import { assertSignal } from '../shared/signal-checks.js';
import { TERMINAL_TASK_STATES, type TaskState } from '../../core/states.js';
import { decodeJson } from '../shared/json.js';
import { releaseTarget, REASONS } from '../shared/lifecycle-rules.js';
import { mapChildRow, mapSignalRow } from '../shared/row-mappers.js';
import type { Statements } from './statements.js';
import type { SqliteTx, StepRow } from './tx.js';
import { readMapState } from './map.js';

type Park = Extract<StepOutcome, { type: 'park' }>;

/** A held step parks: back uncounted, no lease, ready at its deadline (or when woken; at once if already due). */
export function applyPark(tx: SqliteTx, row: StepRow, o: Park): void {
  const to = releaseTarget(row.attempts);
  let at = o.untilMs;
  if (o.wait === 'signal' && o.signal && tx.st.unconsumedSignal.get(row.task_id, o.signal)) at = tx.now;
  if (o.wait === 'subtask' && o.watch != null) {
    const child = tx.st.taskFinished.get(o.watch) as { state: TaskState } | undefined;
    if (!child || TERMINAL_TASK_STATES.has(child.state)) at = tx.now;
  }
  if (at !== null && at < tx.now) at = tx.now;
  tx.stepHistory(row, to, { reason: REASONS.parked(o.wait), attempt: row.attempts });
  tx.st.parkStep.run(to, at, to === 'retrying' ? at : null, o.wait, row.step_id);
  tx.touch(row.task_id);
  if (at !== null && at <= tx.now) tx.readyCount += 1;
}

interface WaitRow {
  state: string;
  locked_by: string | null;
  attempts: number;
  wait_key: string | null;
  wait_until: number | null;
}

export function beginWaitInTx(tx: SqliteTx, req: BeginWaitRequest): BeginWaitResult {
  const row = tx.st.stepWait.get(req.step_id) as WaitRow | undefined;
  if (!row || row.state !== 'running' || row.locked_by !== req.workerId || row.attempts !== req.attempt) {
    return { kind: 'stale' };
  }
  if (req.signal) {
    const sig = tx.st.takeableSignal.get(req.task_id, req.signal, req.step_id, req.run) as
      { id: number; payload: string; received_at: number } | undefined;
    if (sig) {
      tx.st.consumeSignal.run(req.step_id, req.run, tx.now, sig.id);
      return {
        kind: 'signal',
        signal_id: sig.id,
        payload: decodeJson(sig.payload),
        received_at: sig.received_at,
      };
    }
  }
  const key = `${req.run}:${req.attempt}`;
  let until: number | null;
  if (row.wait_key === key) until = row.wait_until;
  else {
    const d = req.deadline ?? null;
    until = d === null ? null : 'after_ms' in d ? tx.now + Math.max(0, d.after_ms) : d.at_ms;
    tx.st.setStepWait.run(key, until, req.step_id);
  }
  if (until !== null && until <= tx.now) return { kind: 'due', until };
  return { kind: 'wait', until };
}

export function sendSignalInTx(tx: SqliteTx, req: SendSignalRequest, payload: string): SendSignalResult {
  const task = tx.st.taskStateForSignal.get(req.task_id) as { state: TaskState; paused: number } | undefined;
  if (!task) return { outcome: 'no_task' };
  if (TERMINAL_TASK_STATES.has(task.state)) {
    // A sender retrying a signal that was delivered before the task finished hears "duplicate", not "finished".
    const first = req.signal_key === null ? undefined : tx.st.signalByKey.get(req.task_id, req.name, req.signal_key);
    if (first) return { outcome: 'duplicate', signal_id: (first as { id: number }).id, woke: 0 };
    return { outcome: 'finished', state: task.state };
  }
  const inserted = tx.st.insertSignal.get(req.task_id, req.name, req.signal_key, payload, req.actor, tx.now) as
    { id: number } | undefined;
  if (!inserted) {
    const first = tx.st.signalByKey.get(req.task_id, req.name, req.signal_key) as { id: number };
    return { outcome: 'duplicate', signal_id: first.id, woke: 0 };
  }
  let woke = 0;
  if (req.wake.length) {
    const at = task.paused !== 0 ? null : tx.now;
    woke = tx.st.wakeSignalWaits.run(at, at, req.task_id, JSON.stringify(req.wake)).changes;
    if (at !== null) tx.readyCount += woke;
  }
  return { outcome: 'delivered', signal_id: inserted.id, woke };
}

/** The store's `dynamic` part: each write one IMMEDIATE transaction. */
export class SqliteDynamic implements DynamicStore {
  constructor(
    private readonly st: Statements,
    private readonly write: <T>(actor: string | null, fn: (tx: SqliteTx) => T) => T,
  ) {}

  async sendSignal(req: SendSignalRequest): Promise<SendSignalResult> {
    const payload = assertSignal(req);
    return this.write(req.actor, (tx) => sendSignalInTx(tx, req, payload));
  }

  async beginWait(req: BeginWaitRequest): Promise<BeginWaitResult> {
    return this.write(req.workerId, (tx) => beginWaitInTx(tx, req));
  }

  async listSignals(taskId: TaskId): Promise<SignalRecord[]> {
    return (this.st.listSignals.all(taskId) as Array<Record<string, unknown>>).map((r) => mapSignalRow(r));
  }

  async mapState(stepId: number): Promise<MapState> {
    return readMapState(this.st, stepId);
  }

  async childTasks(taskId: TaskId): Promise<ChildTask[]> {
    return (this.st.childTasks.all(taskId) as Array<Record<string, unknown>>).map(mapChildRow);
  }
}
