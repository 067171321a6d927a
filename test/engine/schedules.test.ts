// Cron schedules through the engine, on both stores, from fixed instants (scheduler passes at a given `now`, no
// waiting) and a fixed last tick (recorded through the store before the first pass, so the time before it holds no
// missed tick): ticks while processes run, catch_up after downtime and after a pause, one task per tick with two
// processes, the newest version's schedules, scheduled_for in the task JSON and for handlers, and triggers.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { isTaskerError } from '../../src/core/errors.js';
import type { NewTask } from '../../src/core/store-contract.js';
import { defineTask, type ScheduleInput } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
/** An instant after the schedule rows are made (the real clock), on an hour: passes run at BASE + offsets. */
const BASE = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
const at = (minutes: number, seconds = 0) => BASE + minutes * MIN + seconds * S;

const MODES = ['none', 'latest', 'all'] as const;

function template(version = '1.0.0', schedules?: ScheduleInput[]) {
  return defineTask({
    name: 'rollup',
    namespace_name: 'reports',
    version,
    module_namespace: 'Reports',
    schema: { type: 'object', required: ['window'], properties: { window: { type: 'string' } } },
    step_templates: [{ name: 'aggregate' }],
    schedules:
      schedules ??
      MODES.map((m) => ({ name: `every_minute_${m}`, cron: '* * * * *', catch_up: m, context: { window: m } })),
  });
}

const seen: Array<{ task_id: number; scheduled_for: number | null; context: unknown }> = [];
const handlers = {
  'Reports::AggregateHandler': (task: { task_id: number; scheduled_for: number | null; context: unknown }) => {
    seen.push({ task_id: task.task_id, scheduled_for: task.scheduled_for, context: task.context });
    return { ok: true };
  },
};

describe.each(STORE_KINDS)('cron schedules on $kind', ({ make }) => {
  let db: TestDb;
  const open: Tasker[] = [];

  async function engine(templates = [template()], options: Parameters<typeof openTestEngine>[1] = {}) {
    db ??= make();
    const t = await openTestEngine(db, { templates, handlers, start: false, ...options });
    open.push(t);
    return t;
  }

  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    await db?.cleanup();
    db = undefined as unknown as TestDb;
  });

  /** The state every test starts from: the three schedules of v1 stored, each with its last tick at 0:00. */
  async function lastTickAt(t: Tasker, tickAt: number): Promise<void> {
    for (const m of MODES) {
      const key = { namespace: 'reports', template: 'rollup', schedule: `every_minute_${m}` };
      const definition = { cron: '* * * * *', timezone: 'UTC', catch_up: m, enabled: true, context: { window: m } };
      await t.store.schedules.saveSchedule({ ...key, version: '1.0.0', declared: true, ...definition }, null);
      const task: NewTask = {
        namespace: 'reports',
        name: 'rollup',
        version: '1.0.0',
        context: { window: m },
        initiator: `schedule:${key.schedule}`,
        source_system: 'test',
        reason: null,
        tags: [`schedule:${key.schedule}`],
        idempotency_key: null,
        correlation_id: `seed-${m}`,
        steps: [
          {
            name: 'aggregate',
            handler_class: 'Reports::AggregateHandler',
            depends_on: [],
            retry_limit: 3,
            retryable: true,
            timeout_ms: null,
            skippable: false,
            initial_state: 'pending',
          },
        ],
      };
      const res = await t.store.schedules.createScheduledTask({ key, version: '1.0.0', tick_at: tickAt, task });
      expect(res.outcome).toBe('created');
    }
  }

  /** Tick times of the tasks of one schedule, from the store, ascending. */
  async function ticksOf(t: Tasker, schedule: string): Promise<number[]> {
    const page = await t.listTasks({ tags: [`schedule:${schedule}`], limit: 500 });
    const times = await Promise.all(
      page.tasks.map(async (s) => Date.parse((await t.getTask(s.task_id))!.scheduled_for!)),
    );
    return times.sort((a, b) => a - b);
  }

  it('creates each tick once while running, and after downtime catches up as each schedule declares', async () => {
    const first = await engine();
    await lastTickAt(first, at(0));
    expect(await first.schedules.tick(at(0, 30))).toEqual([]); // watching from 0:30; nothing due yet
    expect((await first.schedules.tick(at(1))).map((c) => c.tick_at)).toEqual([at(1), at(1), at(1)]);
    await first.schedules.tick(at(2, 0.5));
    await first.schedules.tick(at(2, 10)); // nothing new: 2:00 was handled
    await first.close();
    // Nothing runs from 2:10 to 7:30; a new process starts then.
    const second = await engine();
    await second.schedules.tick(at(7, 30));
    await second.schedules.tick(at(8));
    expect(await ticksOf(second, 'every_minute_none')).toEqual([at(0), at(1), at(2), at(8)]);
    expect(await ticksOf(second, 'every_minute_latest')).toEqual([at(0), at(1), at(2), at(7), at(8)]);
    expect(await ticksOf(second, 'every_minute_all')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((m) => at(m)));
    const [row] = (await second.schedules.list()).filter((s) => s.schedule === 'every_minute_all');
    expect(row).toMatchObject({ last_tick_at: new Date(at(8)).toISOString(), paused: false, catch_up: 'all' });
  });

  it('two processes ticking the same instants create one task per tick', async () => {
    const a = await engine();
    const b = await engine();
    await lastTickAt(a, at(0));
    for (const now of [at(0, 30), at(1), at(2), at(2, 1), at(3, 59), at(4)]) {
      await Promise.all([a.schedules.tick(now), b.schedules.tick(now)]);
    }
    for (const m of MODES) expect(await ticksOf(a, `every_minute_${m}`)).toEqual([0, 1, 2, 3, 4].map((x) => at(x)));
    expect((await a.listTasks({ limit: 500 })).tasks).toHaveLength(15);
  });

  it('ticks that fall while a schedule is paused are missed: none skips them, latest and all catch up on resume', async () => {
    const t = await engine();
    await lastTickAt(t, at(0));
    await t.schedules.tick(at(0, 30));
    await t.schedules.tick(at(1)); // last tick 1:00
    for (const m of MODES) {
      const paused = await t.schedules.pause(
        { namespace: 'reports', name: 'rollup', schedule: `every_minute_${m}` },
        { actor: 'ops:alice' },
      );
      expect(paused).toMatchObject({ paused: true, paused_by: 'ops:alice', next_tick_at: null });
    }
    expect(await t.schedules.tick(at(2))).toEqual([]);
    expect(await t.schedules.tick(at(5, 10))).toEqual([]); // still paused at 5:10
    for (const m of MODES) {
      await t.schedules.resume(
        { namespace: 'reports', name: 'rollup', schedule: `every_minute_${m}` },
        { actor: 'ops:alice' },
      );
    }
    await t.schedules.tick(at(5, 20));
    await t.schedules.tick(at(6));
    expect(await ticksOf(t, 'every_minute_none')).toEqual([at(0), at(1), at(6)]);
    expect(await ticksOf(t, 'every_minute_latest')).toEqual([at(0), at(1), at(5), at(6)]);
    expect(await ticksOf(t, 'every_minute_all')).toEqual([0, 1, 2, 3, 4, 5, 6].map((m) => at(m)));
  });

  it("the newest registered version's schedules apply, in every process", async () => {
    const v2 = template('2.0.0', [{ name: 'every_minute_none', cron: '*/2 * * * *', context: { window: 'v2' } }]);
    const newer = await engine([template(), v2]);
    await lastTickAt(newer, at(0));
    await newer.schedules.tick(at(0, 30));
    await newer.schedules.tick(at(4));
    const older = await engine([template()]); // a worker of the previous release, still running
    await older.schedules.tick(at(4, 30));
    await older.schedules.tick(at(5));
    expect(await ticksOf(newer, 'every_minute_none')).toEqual([at(0), at(2), at(4)]);
    expect(await ticksOf(newer, 'every_minute_all')).toEqual([at(0)]); // v2 dropped it; v1's worker may not tick it
    const tasks = (await newer.listTasks({ limit: 50 })).tasks.filter((x) => x.version !== '1.0.0');
    expect(tasks.map((x) => x.version)).toEqual(['2.0.0', '2.0.0']);
    const listed = await newer.schedules.list();
    expect(listed.map((s) => [s.schedule, s.version, s.declared, s.cron])).toEqual([
      ['every_minute_all', '2.0.0', false, '* * * * *'],
      ['every_minute_latest', '2.0.0', false, '* * * * *'],
      ['every_minute_none', '2.0.0', true, '*/2 * * * *'],
    ]);
  });

  it('gives a tick task scheduled_for in its JSON and to its handlers; a trigger uses no tick', async () => {
    seen.length = 0;
    const t = await engine([template()], { start: true, schedules: false, concurrency: 2 });
    await lastTickAt(t, at(0));
    await t.schedules.tick(at(0, 30));
    const [created] = (await t.schedules.tick(at(1))).filter((c) => c.schedule.endsWith('_latest'));
    const task = await t.waitForTask(created!.task_id, { timeoutMs: 30_000 });
    expect(task).toMatchObject({
      current_state: 'completed',
      scheduled_for: new Date(at(1)).toISOString(),
      context: { window: 'latest' },
      tags: ['schedule:every_minute_latest'],
      initiator: 'schedule:every_minute_latest',
    });
    expect(seen.find((s) => s.task_id === created!.task_id)).toMatchObject({ scheduled_for: at(1) });

    const ref = { namespace: 'reports', name: 'rollup', schedule: 'every_minute_latest' };
    const triggered = await t.schedules.trigger(ref, { actor: 'ops:bob', reason: 'backfill' });
    const done = await t.waitForTask(triggered.task_id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ current_state: 'completed', initiator: 'ops:bob', reason: 'backfill' });
    expect(done.scheduled_for).toBe(triggered.scheduled_for);
    expect(seen.find((s) => s.task_id === triggered.task_id)!.scheduled_for).toBe(Date.parse(triggered.scheduled_for));
    // The trigger took no tick: the last tick is still 1:00, and 2:00 is created as usual.
    const [row] = (await t.schedules.list()).filter((s) => s.schedule === 'every_minute_latest');
    expect(row).toMatchObject({ last_tick_at: new Date(at(1)).toISOString(), last_task_id: created!.task_id });
    expect((await t.schedules.tick(at(2))).filter((c) => c.schedule.endsWith('_latest'))).toHaveLength(1);
  });

  it('a tick whose planning hook throws is logged and skipped; the other schedules tick', async () => {
    const hooked = defineTask({
      name: 'hooked',
      namespace_name: 'reports',
      version: '1.0.0',
      module_namespace: 'Reports',
      task_handler_class: 'Reports::HookedTask',
      step_templates: [{ name: 'aggregate' }],
      schedules: [
        { name: 'fine', cron: '* * * * *', context: { boom: false } },
        { name: 'broken', cron: '* * * * *', context: { boom: true } },
      ],
    });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const hooks = {
      'Reports::HookedTask': {
        establishStepDependenciesAndDefaults(task: { context: { boom: boolean } }) {
          if (task.context.boom) throw new Error('the hook broke');
        },
      },
    };
    const t = await engine([hooked], { handlers: { ...handlers, ...hooks }, logger });
    await t.schedules.tick(); // recorded and watched from now
    const next = Math.ceil((Date.now() + 1) / MIN) * MIN;
    const created = await t.schedules.tick(next);
    expect(created.map((c) => c.schedule)).toEqual(['reports/hooked/fine']);
    const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'tick failed; skipped here');
    expect(failure).toMatchObject({
      schedule: 'reports/hooked/broken',
      err: expect.stringContaining('the hook broke'),
    });
    expect(await t.schedules.tick(next)).toEqual([]); // handled: not tried again by this process
  });

  it('names unknown schedules and refuses a trigger without the template', async () => {
    const t = await engine();
    await lastTickAt(t, at(0));
    await t.schedules.tick(at(0, 30));
    const bad = { namespace: 'reports', name: 'rollup', schedule: 'hourly' };
    const err = await t.schedules.pause(bad, { actor: 'ops:alice' }).catch((e: unknown) => e);
    expect(isTaskerError(err) && err.code).toBe('not_found');
    expect((err as Error).message).toBe(
      'no schedule reports/rollup/hourly; known schedules: reports/rollup/every_minute_all, ' +
        'reports/rollup/every_minute_latest, reports/rollup/every_minute_none',
    );
    const bare = await engine([]);
    const ref = { namespace: 'reports', name: 'rollup', schedule: 'every_minute_all' };
    await expect(bare.schedules.trigger(ref, { actor: 'ops:alice' })).rejects.toThrow(
      /no template registered in this process declares schedule reports\/rollup\/every_minute_all/,
    );
    expect((await bare.schedules.pause(ref, { actor: 'ops:alice' })).paused).toBe(true); // the store knows it
  });
});
