// `tasker resume [task_id]`: open the engine on a store and run unfinished tasks (one, or all) to their end —
// steps that were running in a crashed process are retried (their attempt counted), completed steps never rerun;
// tasks held back (a delayed start, a pause) are reported, not waited for. `tasker resume <namespace>[/<name>]`
// lifts a template or namespace pause instead (./pause.ts).
import type { Command } from 'commander';
import { addEngineOptions, openEngine, parseCount, type EngineFlags } from '../engine-options.js';
import type { TaskJson } from '../../engine/task-json.js';
import { UsageError } from '../cli-errors.js';
import { withStore } from '../task-store.js';
import { parsePauseTarget, switchTarget } from './pause.js';

export function registerResume(program: Command): void {
  const cmd = program
    .command('resume')
    .description(
      'run unfinished tasks (one, or all) to their end, e.g. after a crash; with namespace[/name], lift a pause',
    )
    .argument('[task_id]', 'only this task; or namespace/name (a template) or namespace: resume it (tasker pause)')
    .option('--reason <text>', 'with namespace[/name]: why, kept in the tasks history')
    .option('--json', 'print the final tasks as JSON');
  addEngineOptions(cmd).action(
    async (id: string | undefined, flags: EngineFlags & { json?: boolean; reason?: string }) => {
      if (id !== undefined && !/^\d+$/.test(id)) {
        const target = parsePauseTarget(id);
        await withStore(flags.db, (store) => switchTarget(store, target, false, flags.reason));
        return;
      }
      const only = id === undefined ? undefined : parseCount(id, 'task_id', { min: 1, max: Number.MAX_SAFE_INTEGER });
      // Finishes what is there, then exits: this process ticks no cron schedule (workers and serve do).
      const tasker = await openEngine(flags, { schedules: false });
      try {
        const ids = only !== undefined ? [only] : await tasker.store.listUnfinishedTaskIds();
        if (only !== undefined && !(await tasker.store.getTask(only)))
          throw new UsageError(`task ${only} does not exist in ${tasker.store.url}`);
        const results: TaskJson[] = [];
        for (const taskId of ids) {
          // a task held back (a delayed start, a pause) would keep this command waiting: report it as it is
          const now = await tasker.getTask(taskId);
          results.push(now?.waiting_for === 'delay' || now?.paused ? now : await tasker.waitForTask(taskId));
        }
        if (flags.json) process.stdout.write(`${JSON.stringify(only !== undefined ? results[0] : results, null, 2)}\n`);
        else if (!results.length) process.stdout.write('no unfinished tasks\n');
        else
          for (const t of results) {
            const held = t.waiting_for ? ` (waiting for ${t.waiting_for})` : '';
            process.stdout.write(
              `task ${t.task_id} ${t.namespace}/${t.name}@${t.version}: ${t.current_state}${held}\n`,
            );
          }
        process.exitCode = results.every(
          (t) => t.current_state === 'completed' || t.current_state === 'resolved_manually',
        )
          ? 0
          : 1;
      } finally {
        await tasker.close();
      }
    },
  );
}
