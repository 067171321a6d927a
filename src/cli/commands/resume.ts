// `tasker resume [task_id]`: open the engine on a store and run unfinished tasks (one, or all) to their end —
// steps that were running in a crashed process are retried (their attempt counted), completed steps never rerun.
import type { Command } from 'commander';
import { addEngineOptions, openEngine, parseCount, type EngineFlags } from '../engine-options.js';
import type { TaskJson } from '../../engine/task-json.js';
import { UsageError } from '../cli-errors.js';

export function registerResume(program: Command): void {
  const cmd = program
    .command('resume')
    .description('run unfinished tasks (one, or all) to their end, e.g. after a crash')
    .argument('[task_id]', 'only this task')
    .option('--json', 'print the final tasks as JSON');
  addEngineOptions(cmd).action(async (id: string | undefined, flags: EngineFlags & { json?: boolean }) => {
    const only = id === undefined ? undefined : parseCount(id, 'task_id', { min: 1, max: Number.MAX_SAFE_INTEGER });
    // Finishes what is there, then exits: this process ticks no cron schedule (workers and serve do).
    const tasker = await openEngine(flags, { schedules: false });
    try {
      const ids = only !== undefined ? [only] : await tasker.store.listUnfinishedTaskIds();
      if (only !== undefined && !(await tasker.store.getTask(only)))
        throw new UsageError(`task ${only} does not exist in ${tasker.store.url}`);
      const results: TaskJson[] = [];
      for (const taskId of ids) results.push(await tasker.waitForTask(taskId));
      if (flags.json) process.stdout.write(`${JSON.stringify(only !== undefined ? results[0] : results, null, 2)}\n`);
      else if (!results.length) process.stdout.write('no unfinished tasks\n');
      else
        for (const t of results)
          process.stdout.write(`task ${t.task_id} ${t.namespace}/${t.name}@${t.version}: ${t.current_state}\n`);
      process.exitCode = results.every(
        (t) => t.current_state === 'completed' || t.current_state === 'resolved_manually',
      )
        ? 0
        : 1;
    } finally {
      await tasker.close();
    }
  });
}
