// Cron schedules on SQLite (ScheduleStore, core/store-schedules.ts). A tick is one IMMEDIATE transaction (the write
// lock serialises every ticking process): read the schedule row, insert the tick unless its primary key exists,
// create the task as createTask does, stamp it and the tick, move the last tick; a crash rolls all of it back.
import type * as S from '../../core/store-contract.js';
import { encodeFaithfulJson, decodeJson } from '../shared/json.js';
import { planNewTask } from '../shared/task-plan.js';
import {
  assertScheduleDefinition,
  assertScheduleKey,
  assertScheduledTaskRequest,
  definitionParams,
  mapScheduleRow,
  refusal,
} from '../shared/schedule-rows.js';
import { createTaskInTx, encodeTask } from './create-task.js';
import type { Statements } from './statements.js';
import type { SqliteTx } from './tx.js';

type Row = Record<string, unknown>;

/** Runs `fn` in one IMMEDIATE transaction (the store's `write`). */
type Write = <T>(actor: string | null, fn: (tx: SqliteTx) => T) => T;

/** better-sqlite3 binds no booleans. */
const bit = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

export class SqliteSchedules implements S.ScheduleStore {
  constructor(
    private readonly st: Statements,
    private readonly write: Write,
  ) {}

  async listSchedules(): Promise<S.ScheduleList> {
    const now = Date.now();
    const rows = this.st.listSchedules.all() as Row[];
    return { now, schedules: rows.map((r) => mapScheduleRow(r, decodeJson)) };
  }

  async saveSchedule(def: S.ScheduleDefinition, expectedVersion: string | null): Promise<boolean> {
    assertScheduleDefinition(def, expectedVersion);
    const context = encodeFaithfulJson(def.context ?? {}, 'schedule context', 'context') ?? '{}';
    const [namespace, template, schedule, ...definition] = definitionParams(def, context).map(bit);
    return this.write(null, (tx) => {
      if (expectedVersion === null) {
        return this.st.insertSchedule.run(namespace, template, schedule, ...definition, tx.now, tx.now).changes > 0;
      }
      const args = [...definition, tx.now, namespace, template, schedule, expectedVersion];
      return this.st.updateSchedule.run(...args).changes > 0;
    });
  }

  async setSchedulePaused(key: S.ScheduleKey, paused: boolean, actor: string): Promise<S.ScheduleRecord | null> {
    assertScheduleKey(key, paused ? 'pauseSchedule' : 'resumeSchedule');
    return this.write(actor, (tx) => {
      const where = [key.namespace, key.template, key.schedule];
      const row = (
        paused
          ? this.st.pauseSchedule.get(tx.now, actor, tx.now, ...where)
          : this.st.resumeSchedule.get(tx.now, tx.now, ...where)
      ) as Row | undefined;
      return row ? mapScheduleRow(row, decodeJson) : null;
    });
  }

  async createScheduledTask(req: S.ScheduledTaskRequest): Promise<S.ScheduledTaskResult> {
    assertScheduledTaskRequest(req);
    const plan = planNewTask(req.task);
    const encoded = encodeTask(req.task);
    return this.write(req.task.initiator, (tx): S.ScheduledTaskResult => {
      const { namespace, template, schedule } = req.key;
      const row = this.st.scheduleForTick.get(namespace, template, schedule) as Row | undefined;
      const refused = refusal(row, req);
      if (refused !== null) return refused;
      const scheduleId = Number(row!.schedule_id);
      if (req.tick_at !== null && this.st.insertTick.run(scheduleId, req.tick_at, tx.now).changes === 0) {
        const tick = this.st.tickTask.get(scheduleId, req.tick_at) as Row | undefined;
        return { outcome: 'exists', task_id: tick?.task_id == null ? null : Number(tick.task_id) };
      }
      const created = createTaskInTx(tx, req.task, plan, encoded);
      const scheduledFor = req.tick_at ?? tx.now;
      this.st.stampTask.run(scheduledFor, created.task_id);
      if (req.tick_at !== null) {
        this.st.stampTick.run(created.task_id, scheduleId, req.tick_at);
        const at = req.tick_at;
        this.st.moveLastTick.run(at, created.task_id, at, at, scheduleId);
        this.st.trimTicks.run(scheduleId, scheduleId);
      }
      return {
        outcome: 'created',
        task_id: created.task_id,
        scheduled_for: scheduledFor,
        finalized: created.finalized,
      };
    });
  }
}
