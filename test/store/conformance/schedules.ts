// Conformance: cron schedules (store.schedules, core/store-schedules.ts). Each tick creates exactly one task, however
// many callers race for it, and never again once its task is deleted; a paused schedule or a superseded version
// writes nothing; a trigger creates a task without using a tick; definitions are written by compare and set.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import type Database from 'better-sqlite3';
import {
  TICKS_KEPT_PER_SCHEDULE,
  type ScheduleDefinition,
  type ScheduledTaskRequest,
  type Store,
  type TaskId,
} from '../../../src/core/store-contract.js';
import { claim, linear, type MakeStore, newTask, step, useStore } from './fixtures.js';

const KEY = { namespace: 'conformance', template: 'sample', schedule: 'every_minute' };
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const MINUTE = 60_000;

function definition(over: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return {
    ...KEY,
    version: '1.0.0',
    declared: true,
    cron: '* * * * *',
    timezone: 'UTC',
    catch_up: 'none',
    enabled: true,
    context: { window: '1m' },
    ...over,
  };
}

function tick(tickAt: number | null, over: Partial<ScheduledTaskRequest> = {}): ScheduledTaskRequest {
  return {
    key: KEY,
    version: '1.0.0',
    tick_at: tickAt,
    task: newTask(linear(), { initiator: 'schedule:every_minute', tags: ['schedule:every_minute'] }),
    ...over,
  };
}

/** Delete a task row as a retention job would (the store has no such method yet). */
async function deleteTaskRow(store: Store, taskId: TaskId): Promise<void> {
  if (store.kind === 'sqlite') {
    const db = (store as unknown as { db: Database.Database }).db;
    const steps = 'SELECT step_id FROM steps WHERE task_id = ?';
    db.prepare(`DELETE FROM step_edges WHERE child_step_id IN (${steps})`).run(taskId);
    for (const table of ['transitions', 'annotations', 'steps', 'tasks'])
      db.prepare(`DELETE FROM ${table} WHERE task_id = ?`).run(taskId);
    return;
  }
  const { pool, schema } = store as unknown as { pool: pg.Pool; schema: string };
  await pool.query(`DELETE FROM ${pg.escapeIdentifier(schema)}.transitions WHERE task_id = $1`, [taskId]);
  await pool.query(`DELETE FROM ${pg.escapeIdentifier(schema)}.tasks WHERE task_id = $1`, [taskId]);
}

/** How many tick rows the store holds. */
async function tickCount(store: Store): Promise<number> {
  if (store.kind === 'sqlite') {
    const db = (store as unknown as { db: Database.Database }).db;
    return (db.prepare('SELECT count(*) AS n FROM schedule_ticks').get() as { n: number }).n;
  }
  const { pool, schema } = store as unknown as { pool: pg.Pool; schema: string };
  const r = await pool.query(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(schema)}.schedule_ticks`);
  return (r.rows[0] as { n: number }).n;
}

export function scheduleTests(makeStore: MakeStore): void {
  describe('cron schedules', () => {
    const store = useStore(makeStore);
    const schedules = () => store().schedules;

    async function row(key = KEY) {
      const { schedules: rows } = await schedules().listSchedules();
      return rows.find(
        (r) => r.namespace === key.namespace && r.template === key.template && r.schedule === key.schedule,
      );
    }

    it('saves a definition once, and replaces it only from the version it expects', async () => {
      const empty = await schedules().listSchedules();
      expect(empty.schedules).toEqual([]);
      expect(empty.now).toBeGreaterThan(T0);
      expect(await schedules().saveSchedule(definition(), null)).toBe(true);
      expect(await schedules().saveSchedule(definition({ cron: '0 * * * *' }), null)).toBe(false);
      const first = (await row())!;
      expect(first).toMatchObject({ ...definition(), paused: false, last_tick_at: null, last_task_id: null });
      expect(first.created_at).toBeGreaterThan(T0);
      expect(await schedules().saveSchedule(definition({ version: '2.0.0', cron: '0 * * * *' }), '0.9.0')).toBe(false);
      expect(await schedules().saveSchedule(definition({ version: '2.0.0', cron: '0 * * * *' }), '1.0.0')).toBe(true);
      expect(await row()).toMatchObject({ version: '2.0.0', cron: '0 * * * *', created_at: first.created_at });
      await schedules().saveSchedule(definition({ version: '3.0.0', declared: false, enabled: false }), '2.0.0');
      expect(await row()).toMatchObject({ version: '3.0.0', declared: false, enabled: false });
    });

    it('creates the task of a tick with scheduled_for, once, and moves the last tick forward only', async () => {
      await schedules().saveSchedule(definition(), null);
      const first = await schedules().createScheduledTask(tick(T0 + MINUTE));
      expect(first).toMatchObject({ outcome: 'created', scheduled_for: T0 + MINUTE, finalized: null });
      const id = (first as { task_id: number }).task_id;
      const task = (await store().getTask(id))!;
      expect(task).toMatchObject({ scheduled_for: T0 + MINUTE, namespace: 'conformance', current_state: 'running' });
      expect((await store().getTaskContexts([id])).get(id)!.scheduled_for).toBe(T0 + MINUTE);
      expect(await schedules().createScheduledTask(tick(T0 + MINUTE))).toEqual({ outcome: 'exists', task_id: id });
      expect(await row()).toMatchObject({ last_tick_at: T0 + MINUTE, last_task_id: id });
      // An older tick that was missing is created, and leaves the last tick where it was.
      const older = await schedules().createScheduledTask(tick(T0));
      expect(older.outcome).toBe('created');
      expect(await row()).toMatchObject({ last_tick_at: T0 + MINUTE, last_task_id: id });
      expect((await store().listTasks({})).tasks).toHaveLength(2);
      expect(await claim(store())).toHaveLength(2); // both tasks run like any other
    });

    it('creates one task per tick however many callers race for it', async () => {
      await schedules().saveSchedule(definition(), null);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => schedules().createScheduledTask(tick(T0 + (i % 3) * MINUTE))),
      );
      const created = results.filter((r) => r.outcome === 'created');
      expect(created).toHaveLength(3);
      expect(results.filter((r) => r.outcome === 'exists')).toHaveLength(9);
      const tasks = (await store().listTasks({ limit: 100 })).tasks;
      expect(tasks).toHaveLength(3);
      const ticks = await Promise.all(tasks.map(async (t) => (await store().getTask(t.task_id))!.scheduled_for));
      expect(ticks.sort()).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE]);
      for (const r of results) {
        if (r.outcome === 'exists') expect(created.map((c) => (c as { task_id: number }).task_id)).toContain(r.task_id);
      }
    });

    it('never creates a tick again once its task was deleted (pruning frees no tick)', async () => {
      await schedules().saveSchedule(definition(), null);
      const first = await schedules().createScheduledTask(tick(T0));
      const id = (first as { task_id: number }).task_id;
      await deleteTaskRow(store(), id);
      expect(await store().getTask(id)).toBeNull();
      expect(await schedules().createScheduledTask(tick(T0))).toEqual({ outcome: 'exists', task_id: id });
      expect((await store().listTasks({})).tasks).toHaveLength(0);
    });

    it('keeps the newest 100 ticks of a schedule: recording one deletes the older ones', async () => {
      await schedules().saveSchedule(definition(), null);
      for (let i = 1; i <= 102; i += 1) {
        expect((await schedules().createScheduledTask(tick(T0 + i * MINUTE))).outcome).toBe('created');
      }
      expect(await tickCount(store())).toBe(TICKS_KEPT_PER_SCHEDULE);
      // the oldest kept tick (the 3rd) still exists; the 2nd was deleted (the scheduler never asks for it again)
      expect((await schedules().createScheduledTask(tick(T0 + 3 * MINUTE))).outcome).toBe('exists');
      expect((await schedules().createScheduledTask(tick(T0 + 2 * MINUTE))).outcome).toBe('created');
      // a trigger records no tick and deletes none
      expect((await schedules().createScheduledTask(tick(null))).outcome).toBe('created');
      expect(await tickCount(store())).toBe(TICKS_KEPT_PER_SCHEDULE);
    });

    it('a paused schedule records no tick; a trigger creates a task anyway, without using a tick', async () => {
      await schedules().saveSchedule(definition(), null);
      const paused = (await schedules().setSchedulePaused(KEY, true, 'ops:alice'))!;
      expect(paused).toMatchObject({ paused: true, paused_by: 'ops:alice', resumed_at: null });
      const again = (await schedules().setSchedulePaused(KEY, true, 'ops:bob'))!;
      expect(again).toMatchObject({ paused_by: 'ops:alice', paused_at: paused.paused_at });
      expect(await schedules().createScheduledTask(tick(T0))).toEqual({ outcome: 'paused' });

      const before = (await schedules().listSchedules()).now;
      const triggered = await schedules().createScheduledTask(tick(null));
      expect(triggered.outcome).toBe('created');
      const { task_id, scheduled_for } = triggered as { task_id: number; scheduled_for: number };
      expect(scheduled_for).toBeGreaterThanOrEqual(before);
      expect((await store().getTask(task_id))!.scheduled_for).toBe(scheduled_for);
      expect(await row()).toMatchObject({ last_tick_at: null, last_task_id: null });

      const resumed = (await schedules().setSchedulePaused(KEY, false, 'ops:alice'))!;
      expect(resumed.paused).toBe(false);
      expect(resumed.resumed_at).toBeGreaterThanOrEqual(paused.paused_at!);
      const resumedAgain = (await schedules().setSchedulePaused(KEY, false, 'ops:alice'))!;
      expect(resumedAgain.resumed_at).toBe(resumed.resumed_at); // resuming a running schedule moves nothing
      expect((await schedules().createScheduledTask(tick(T0))).outcome).toBe('created');
      expect(await schedules().setSchedulePaused({ ...KEY, schedule: 'nope' }, true, 'ops:alice')).toBeNull();
    });

    it('refuses ticks of a version that no longer owns the schedule, of a removed one and of an unknown one', async () => {
      await schedules().saveSchedule(definition(), null);
      await schedules().saveSchedule(definition({ version: '2.0.0' }), '1.0.0');
      expect(await schedules().createScheduledTask(tick(T0))).toEqual({ outcome: 'superseded' });
      const v2 = newTask(linear(), { version: '2.0.0' });
      expect((await schedules().createScheduledTask(tick(T0, { version: '2.0.0', task: v2 }))).outcome).toBe('created');
      await schedules().saveSchedule(definition({ version: '3.0.0', declared: false }), '2.0.0');
      const v3 = newTask(linear(), { version: '3.0.0' });
      expect(await schedules().createScheduledTask(tick(T0 + MINUTE, { version: '3.0.0', task: v3 }))).toEqual({
        outcome: 'superseded',
      });
      const other = { ...KEY, schedule: 'unknown' };
      expect(await schedules().createScheduledTask(tick(T0, { key: other }))).toEqual({ outcome: 'unknown' });
      expect((await store().listTasks({})).tasks).toHaveLength(1);
    });

    it('a tick whose steps are all skipped completes in the same transaction', async () => {
      await schedules().saveSchedule(definition(), null);
      const task = newTask([step('x', [], { initial_state: 'skipped' })]);
      const res = await schedules().createScheduledTask(tick(T0, { task }));
      expect(res).toMatchObject({ outcome: 'created', finalized: { state: 'completed' } });
      const id = (res as { task_id: number }).task_id;
      expect((await store().getTask(id))!).toMatchObject({ current_state: 'completed', scheduled_for: T0 });
    });

    it('refuses bad requests naming the field', async () => {
      await expect(schedules().saveSchedule(definition({ catch_up: 'some' as 'all' }), null)).rejects.toThrow(
        /catch_up must be none, latest or all/,
      );
      await expect(schedules().createScheduledTask(tick(1.5))).rejects.toThrow(/tick_at must be epoch milliseconds/);
      await expect(
        schedules().createScheduledTask(tick(T0, { task: newTask(linear(), { name: 'other' }) })),
      ).rejects.toThrow(/the task must be of the schedule's template and version/);
    });
  });
}
