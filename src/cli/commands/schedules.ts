// `tasker schedules list|pause|resume|trigger`: the cron schedules the store knows, with their state; pause and
// resume one (from the store alone, like `tasker tasks`); trigger one, which creates a task now outside its ticks and
// so needs the schedule's template (`--templates`, like `tasker submit`). A schedule is `namespace/template/schedule`.
import type { Command } from 'commander';
import type { ScheduleKey } from '../../core/store-contract.js';
import { scheduleJson, type ScheduleJson } from '../../engine/schedule-json.js';
import type { ScheduleRef } from '../../engine/schedule-control.js';
import { NotFoundError } from '../../core/errors.js';
import { UsageError } from '../cli-errors.js';
import { openEngineFor } from '../command-templates.js';
import { addEngineOptions, addStoreOption, type EngineFlags } from '../engine-options.js';
import { addMigrateOption, migrateOnOpen } from '../migrate-on-open.js';
import { actor, withStore } from '../task-store.js';

const SEGMENT = /^[^/\s@]+$/;

/** `namespace/template/schedule`, or `template/schedule` in the default namespace. */
function parseScheduleRef(text: string): ScheduleRef {
  const parts = text.split('/');
  if (parts.length === 2) parts.unshift('default');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) {
    throw new UsageError(
      `a schedule is namespace/template/schedule (e.g. reports/rollup/hourly_rollup), got '${text}'`,
    );
  }
  const [namespace, name, schedule] = parts as [string, string, string];
  return { namespace, name, schedule };
}

const keyOf = (r: ScheduleRef): ScheduleKey => ({ namespace: r.namespace, template: r.name, schedule: r.schedule });
const idOf = (s: { namespace: string; name: string; schedule: string }) => `${s.namespace}/${s.name}/${s.schedule}`;

function line(s: ScheduleJson): string {
  const state = !s.declared
    ? 'no longer declared'
    : s.paused
      ? `paused by ${s.paused_by ?? 'unknown'} at ${s.paused_at}`
      : !s.enabled
        ? 'disabled'
        : `next ${s.next_tick_at ?? 'never'}`;
  const last = s.last_tick_at ? `last ${s.last_tick_at} (task ${s.last_task_id})` : 'no tick yet';
  return `${idOf(s).padEnd(48)} ${`${s.cron} ${s.timezone}`.padEnd(28)} catch_up ${s.catch_up.padEnd(6)}  ${state}; ${last}  (v${s.version})\n`;
}

export function registerSchedules(program: Command): void {
  const schedules = program.command('schedules').description('list, pause, resume and trigger cron schedules');

  addStoreOption(schedules.command('list').description('list the schedules the store knows').option('--json')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags.db, async (store) => {
        const { now, schedules: rows } = await store.schedules.listSchedules();
        const list = rows.map((r) => scheduleJson(r, now));
        if (flags.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) process.stdout.write('no schedules (a worker records them when it starts)\n');
        else for (const s of list) process.stdout.write(line(s));
      });
    },
  );

  for (const paused of [true, false]) {
    const verb = paused ? 'pause' : 'resume';
    const cmd = schedules
      .command(verb)
      .description(
        paused
          ? 'pause a schedule: no tick creates a task until it is resumed'
          : 'resume a schedule; ticks that fell while paused are missed ticks (its catch_up decides)',
      )
      .argument('<schedule>', 'namespace/template/schedule')
      .option('--json', 'print the schedule as JSON');
    addStoreOption(cmd).action(async (ref: string, flags: { db?: string; json?: boolean }) => {
      const target = parseScheduleRef(ref);
      await withStore(flags.db, async (store) => {
        const row = await store.schedules.setSchedulePaused(keyOf(target), paused, actor());
        const { now, schedules: rows } = await store.schedules.listSchedules();
        if (row === null) {
          const known = rows.map((r) => `${r.namespace}/${r.template}/${r.schedule}`);
          const hint = known.length ? `known schedules: ${known.join(', ')}` : 'the store knows no schedule yet';
          throw new NotFoundError(`no schedule ${idOf(target)} in ${store.url}; ${hint}`);
        }
        const json = scheduleJson(row, now);
        if (flags.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        else process.stdout.write(`schedule ${idOf(target)} ${paused ? 'paused' : 'resumed'}\n`);
      });
    });
  }

  const trigger = schedules
    .command('trigger')
    .description("create a task of a schedule now, with its context (it takes no tick's place)")
    .argument('<schedule>', 'namespace/template/schedule')
    .option('--reason <text>', 'why (recorded as the task reason)')
    .option('--json', 'print {task_id, scheduled_for} as JSON');
  addMigrateOption(addEngineOptions(trigger, { running: false })).action(
    async (ref: string, flags: EngineFlags & { reason?: string; json?: boolean; migrate?: boolean }) => {
      const target = parseScheduleRef(ref);
      const tasker = await openEngineFor({ namespace: target.namespace, name: target.name }, flags, {
        concurrency: 0,
        start: false,
        migrate: migrateOnOpen(flags),
      });
      try {
        const reason = flags.reason ?? null;
        const res = await tasker.schedules.trigger(target, { actor: actor(), reason });
        process.stdout.write(flags.json ? `${JSON.stringify(res)}\n` : `${res.task_id}\n`);
      } finally {
        await tasker.close();
      }
    },
  );
}
