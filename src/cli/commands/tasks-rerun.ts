// `tasker tasks rerun`: rerun a completed or failed task from a step (and, by default, everything downstream of it),
// or, with --where, every task a filter selects (a dry run counts them). Goes through the engine facade on the store
// the other `tasks` commands use, so the rules are those of the API.
import type { Command } from 'commander';
import { Tasker } from '../../engine/tasker.js';
import type { RerunFilter } from '../../engine/task-rerun.js';
import { TASK_STATES, type TaskState } from '../../core/states.js';
import { silentLogger } from '../../telemetry/logger.js';
import { UsageError } from '../cli-errors.js';
import { addStoreOption, parseCount } from '../engine-options.js';
import { actor, parseId, withStore } from '../task-store.js';

interface RerunFlags {
  db?: string;
  reason?: string;
  downstream: boolean;
  where?: string;
  step?: string;
  dryRun?: boolean;
  batchSize?: string;
  json?: boolean;
}

const WHERE_KEYS = ['namespace', 'name', 'version', 'state', 'tag', 'created_after', 'created_before'] as const;

/** `namespace=ecommerce,name=order,state=failed,tag=a,tag=b` as a filter; UsageError naming what is wrong. */
export function parseWhere(text: string): RerunFilter {
  const filter: RerunFilter = {};
  const states: TaskState[] = [];
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = at < 0 ? part.trim() : part.slice(0, at).trim();
    const value = at < 0 ? '' : part.slice(at + 1).trim();
    if (!(WHERE_KEYS as readonly string[]).includes(key))
      throw new UsageError(`--where: unknown key '${key}' (keys: ${WHERE_KEYS.join(', ')})`);
    if (value === '') throw new UsageError(`--where: ${key} needs a value (${key}=...)`);
    if (key === 'state') {
      if (!(TASK_STATES as readonly string[]).includes(value))
        throw new UsageError(`--where: state must be one of ${TASK_STATES.join(', ')}, got '${value}'`);
      states.push(value as TaskState);
    } else if (key === 'tag') tags.push(value);
    else if (key === 'created_after' || key === 'created_before') {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new UsageError(`--where: ${key} must be a date-time such as 2026-05-01T12:00:00Z`);
      filter[key] = ms;
    } else filter[key as 'namespace' | 'name' | 'version'] = value;
  }
  if (states.length) filter.state = states;
  if (tags.length) filter.tag = tags;
  return filter;
}

export function registerTasksRerun(tasks: Command): void {
  addStoreOption(
    tasks
      .command('rerun')
      .description(
        'rerun a completed or failed task from a step and everything downstream of it (a new run of the task); ' +
          'with --where, every task a filter selects',
      )
      .argument('[task_id]')
      .argument('[step]', 'step id or name')
      .option('--reason <text>', 'why the task runs again (required, recorded in the history)')
      .option('--no-downstream', 'rerun the step alone, not the steps downstream of it')
      .option('--where <filter>', 'bulk: namespace=..,name=..,version=..,state=..,tag=..,created_after=..')
      .option('--step <name>', 'bulk: the step to rerun from')
      .option('--dry-run', 'bulk: only count the tasks that would be rerun')
      .option('--batch-size <n>', 'bulk: tasks per page (1-1000)', '100')
      .option('--json', 'print JSON'),
  ).action(async (id: string | undefined, stepRef: string | undefined, flags: RerunFlags) => {
    const bulk = flags.where !== undefined;
    if (bulk && (id !== undefined || stepRef !== undefined))
      throw new UsageError('give either <task_id> <step>, or --where with --step, not both');
    if (!bulk && (id === undefined || stepRef === undefined))
      throw new UsageError('tasks rerun needs <task_id> <step> (or --where ... --step NAME for many tasks)');
    if (bulk && !flags.step) throw new UsageError('--where needs --step <name>: the step to rerun from');
    if (!flags.dryRun && !flags.reason) throw new UsageError('--reason is required: say why the task runs again');
    const filter = bulk ? parseWhere(flags.where!) : null;
    const taskId = bulk ? 0 : parseId(id!, 'task_id');
    const batchSize = parseCount(flags.batchSize ?? '100', '--batch-size', { min: 1, max: 1000 })!;
    await withStore(flags.db, async (store) => {
      const tasker = await Tasker.open({ db: store, start: false, logger: silentLogger() });
      try {
        const base = { reason: flags.reason ?? '', actor: actor(), downstream: flags.downstream };
        if (filter) {
          const res = await tasker.rerunWhere(filter, flags.step!, {
            ...base,
            dryRun: flags.dryRun === true,
            batchSize,
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
          else {
            const verb = res.dry_run ? 'would rerun' : 'reran';
            process.stdout.write(`${res.matched} task(s) matched; ${verb} ${res.task_ids.length} from ${flags.step}\n`);
            for (const e of res.errors) process.stdout.write(`  task ${e.task_id}: ${e.message}\n`);
          }
          return;
        }
        const ref = /^\d+$/.test(stepRef!) ? Number(stepRef) : stepRef!;
        const task = await tasker.rerun(taskId, ref, base);
        if (flags.json) process.stdout.write(`${JSON.stringify(task, null, 2)}\n`);
        else {
          const reset = task.workflow_steps.filter((s) => s.current_state === 'pending').map((s) => s.name);
          process.stdout.write(
            `task ${taskId}: rerun from ${stepRef}; run ${task.run}, task is ${task.current_state} ` +
              `(pending again: ${reset.join(', ')})\n`,
          );
        }
      } finally {
        await tasker.close();
      }
    });
  });
}
