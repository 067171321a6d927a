// Dynamic workflows on PostgreSQL (core/store-dynamic.ts): parks (a transaction of their own, before the completion
// function takes the rest of a batch: lock the tasks, share-lock watched children, then park with a fresh
// snapshot), a claimed wait step's decision (`beginWait`: one transaction on the step row), signals (`sendSignal`:
// lock the task, store, wake; NOTIFY when a step became claimable) and their listing.
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
import { jsonbValue } from './jsonb.js';
import { TERMINAL_TASK_STATES, type TaskState } from '../../core/states.js';
import { mapChildRow, mapSignalRow } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run, withTransaction } from './pool.js';
import { readMapState } from './map.js';

export type ParkOutcome = Extract<StepOutcome, { type: 'park' }> & { ord: number };

/** Park held steps in one transaction; returns the ids applied and how many are claimable at once. */
export async function applyParks(
  ctx: PgContext,
  workerId: string,
  outcomes: readonly ParkOutcome[],
): Promise<{ applied: number[]; ready: number }> {
  const sorted = [...outcomes].sort((a, b) => a.step_id - b.step_id);
  const tasks = [...new Set(sorted.map((o) => o.task_id))].sort((a, b) => a - b);
  const watched = [...new Set(sorted.flatMap((o) => (o.watch != null ? [o.watch] : [])))];
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    await run(client, ctx.sql.lockTasks, [tasks]);
    if (watched.length) await run(client, ctx.sql.lockWatched, [watched]);
    const rows = await run<{ step_id: number; ready_now: boolean }>(client, ctx.sql.parkSteps, [
      sorted.map((o) => o.step_id),
      sorted.map((o) => o.task_id),
      sorted.map((o) => o.attempt),
      sorted.map((o) => o.wait),
      sorted.map((o) => o.untilMs),
      sorted.map((o) => o.signal ?? null),
      sorted.map((o) => o.watch ?? null),
      sorted.map((o) => o.ord),
      workerId,
    ]);
    const ready = rows.filter((r) => r.ready_now).length;
    if (ready > 0) await run(client, ctx.sql.notify, [ctx.names.channel]);
    return { applied: rows.map((r) => Number(r.step_id)), ready };
  });
}

async function beginWait(ctx: PgContext, req: BeginWaitRequest): Promise<BeginWaitResult> {
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const [row] = await run<{
      state: string;
      locked_by: string | null;
      attempts: number;
      wait_key: string | null;
      wait_until: number | null;
      now_ms: number;
    }>(client, ctx.sql.stepWaitForUpdate, [req.step_id]);
    if (!row || row.state !== 'running' || row.locked_by !== req.workerId || row.attempts !== req.attempt) {
      return { kind: 'stale' };
    }
    if (req.signal) {
      const [sig] = await run<{ id: string; payload: unknown; received_at: number }>(client, ctx.sql.takeSignal, [
        req.task_id,
        req.signal,
        req.step_id,
        req.run,
      ]);
      if (sig) {
        return { kind: 'signal', signal_id: Number(sig.id), payload: sig.payload, received_at: sig.received_at };
      }
    }
    const now = Number(row.now_ms);
    const key = `${req.run}:${req.attempt}`;
    let until: number | null;
    if (row.wait_key === key) until = row.wait_until === null ? null : Number(row.wait_until);
    else {
      const d = req.deadline ?? null;
      until = d === null ? null : 'after_ms' in d ? now + Math.max(0, d.after_ms) : d.at_ms;
      await run(client, ctx.sql.setStepWait, [req.step_id, key, until]);
    }
    if (until !== null && until <= now) return { kind: 'due', until };
    return { kind: 'wait', until };
  });
}

async function sendSignal(ctx: PgContext, req: SendSignalRequest, payload: string): Promise<SendSignalResult> {
  return withTransaction(ctx.pool, ctx.logger, async (client) => {
    const [task] = await run<{ state: TaskState; paused: number }>(client, ctx.sql.signalTask, [req.task_id]);
    if (!task) return { outcome: 'no_task' };
    if (TERMINAL_TASK_STATES.has(task.state)) {
      // A sender retrying a signal that was delivered before the task finished hears "duplicate", not "finished".
      const [first] =
        req.signal_key === null
          ? []
          : await run<{ id: string }>(client, ctx.sql.signalByKey, [req.task_id, req.name, req.signal_key]);
      if (first) return { outcome: 'duplicate', signal_id: Number(first.id), woke: 0 };
      return { outcome: 'finished', state: task.state };
    }
    const [inserted] = await run<{ id: string }>(client, ctx.sql.insertSignal, [
      req.task_id,
      req.name,
      req.signal_key,
      payload,
      req.actor,
    ]);
    if (!inserted) {
      const [first] = await run<{ id: string }>(client, ctx.sql.signalByKey, [req.task_id, req.name, req.signal_key]);
      return { outcome: 'duplicate', signal_id: Number(first!.id), woke: 0 };
    }
    let woke = 0;
    if (req.wake.length) {
      const paused = Number(task.paused) !== 0;
      const r = await client.query({
        name: ctx.sql.wakeSignalWaits.name,
        text: ctx.sql.wakeSignalWaits.text,
        values: [req.task_id, req.wake, paused],
      });
      woke = r.rowCount ?? 0;
      if (woke > 0 && !paused) await run(client, ctx.sql.notify, [ctx.names.channel]);
    }
    return { outcome: 'delivered', signal_id: Number(inserted.id), woke };
  });
}

async function listSignals(ctx: PgContext, taskId: number): Promise<SignalRecord[]> {
  const rows = await run<Record<string, unknown>>(ctx.pool, ctx.sql.listSignals, [taskId]);
  return rows.map((r) => mapSignalRow(r, (v) => v));
}

/** The store's `dynamic` part (`open` throws once the store is closed). */
export class PgDynamic implements DynamicStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly open: () => void,
  ) {}

  async sendSignal(req: SendSignalRequest): Promise<SendSignalResult> {
    assertSignal(req);
    this.open();
    return sendSignal(this.ctx, req, jsonbValue(req.payload ?? null, 'signal payload', 'payload') ?? 'null');
  }

  async beginWait(req: BeginWaitRequest): Promise<BeginWaitResult> {
    this.open();
    return beginWait(this.ctx, req);
  }

  async listSignals(taskId: TaskId): Promise<SignalRecord[]> {
    this.open();
    return listSignals(this.ctx, taskId);
  }

  async mapState(stepId: number): Promise<MapState> {
    this.open();
    return readMapState(this.ctx, stepId);
  }

  async childTasks(taskId: TaskId): Promise<ChildTask[]> {
    this.open();
    return (await run<Record<string, unknown>>(this.ctx.pool, this.ctx.sql.childTasks, [taskId])).map(mapChildRow);
  }
}
