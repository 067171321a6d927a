// Cron schedules on PostgreSQL (ScheduleStore, core/store-schedules.ts). A tick is one transaction: the schedule row
// is locked (so ticks of one schedule, pauses and resumes queue behind each other), the tick inserted with ON
// CONFLICT DO NOTHING on its primary key (a process that lost the race finds the row the winner committed), the task
// created through the transactional creation path, then stamped; a crash anywhere rolls all of it back.
import type * as S from '../../core/store-contract.js';
import { planNewTask } from '../shared/task-plan.js';
import {
  assertScheduleDefinition,
  assertScheduleKey,
  assertScheduledTaskRequest,
  definitionParams,
  mapScheduleRow,
  refusal,
} from '../shared/schedule-rows.js';
import type { PgContext } from './context.js';
import { createTaskInTx, encodeTask } from './create-task.js';
import { jsonbValue } from './jsonb.js';
import { run, withTransaction } from './pool.js';
import { pgDecode } from './reads.js';
import { PgTx } from './tx.js';

type Row = Record<string, unknown>;

export class PgSchedules implements S.ScheduleStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly open: () => void,
  ) {}

  async listSchedules(): Promise<S.ScheduleList> {
    this.open();
    const rows = await run<Row>(this.ctx.pool, this.ctx.sql.listSchedules);
    const now = Number(rows[0]?.now ?? Date.now());
    return { now, schedules: rows.filter((r) => r.schedule_id !== null).map((r) => mapScheduleRow(r, pgDecode)) };
  }

  async saveSchedule(def: S.ScheduleDefinition, expectedVersion: string | null): Promise<boolean> {
    assertScheduleDefinition(def, expectedVersion);
    const params = definitionParams(def, jsonbValue(def.context ?? {}, 'schedule context', 'context') ?? '{}');
    this.open();
    const rows =
      expectedVersion === null
        ? await run(this.ctx.pool, this.ctx.sql.insertSchedule, params)
        : await run(this.ctx.pool, this.ctx.sql.updateSchedule, [...params, expectedVersion]);
    return rows.length > 0;
  }

  async setSchedulePaused(key: S.ScheduleKey, paused: boolean, actor: string): Promise<S.ScheduleRecord | null> {
    assertScheduleKey(key, paused ? 'pauseSchedule' : 'resumeSchedule');
    this.open();
    const params = [key.namespace, key.template, key.schedule];
    const [row] = paused
      ? await run<Row>(this.ctx.pool, this.ctx.sql.pauseSchedule, [...params, actor])
      : await run<Row>(this.ctx.pool, this.ctx.sql.resumeSchedule, params);
    return row ? mapScheduleRow(row, pgDecode) : null;
  }

  async createScheduledTask(req: S.ScheduledTaskRequest): Promise<S.ScheduledTaskResult> {
    assertScheduledTaskRequest(req);
    const plan = planNewTask(req.task);
    const encoded = encodeTask(req.task);
    this.open();
    const w = this.ctx.sql;
    return withTransaction(this.ctx.pool, this.ctx.logger, async (client) => {
      const { namespace, template, schedule } = req.key;
      const [row] = await run<Row>(client, w.lockSchedule, [namespace, template, schedule]);
      const refused = refusal(row, req);
      if (refused !== null) return refused;
      const scheduleId = Number(row!.schedule_id);
      if (req.tick_at !== null) {
        const inserted = await run(client, w.insertTick, [scheduleId, req.tick_at]);
        if (inserted.length === 0) {
          const [tick] = await run<Row>(client, w.tickTask, [scheduleId, req.tick_at]);
          return { outcome: 'exists', task_id: tick?.task_id == null ? null : Number(tick.task_id) };
        }
      }
      const tx = new PgTx(client, this.ctx, req.task.initiator);
      const created = await createTaskInTx(tx, req.task, plan, encoded);
      const [stamped] = await run<Row>(client, w.stampScheduledTask, [created.task_id, req.tick_at, scheduleId]);
      return {
        outcome: 'created',
        task_id: created.task_id,
        scheduled_for: Number(stamped!.scheduled_for),
        finalized: created.finalized,
      };
    });
  }
}
