// `tasker tasks list|show|cancel|pause|resume|retry|resolve|skip|rerun`: read tasks from the store and apply operator
// actions (rerun: ./tasks-rerun.ts).
import type { Command } from 'commander';
import type { ChildTask, OperatorAction, Store, TaskRecord } from '../../core/store-contract.js';
import { taskJson, taskSummaryJson, type StepJson } from '../../engine/task-json.js';
import { TASK_STATES, type TaskState } from '../../core/states.js';
import { NotFoundError } from '../../core/errors.js';
import { UsageError } from '../cli-errors.js';
import { addStoreOption, parseCount } from '../engine-options.js';
import { actor, parseId, withStore } from '../task-store.js';
import { registerTasksRerun } from './tasks-rerun.js';

async function requireTask(store: Store, id: number): Promise<TaskRecord> {
  const task = await store.getTask(id);
  if (!task) throw new NotFoundError(`task ${id} does not exist in ${store.url}`);
  return task;
}

function findStep(task: TaskRecord, ref: string): number {
  const step = /^\d+$/.test(ref)
    ? task.workflow_steps.find((s) => s.workflow_step_id === Number(ref))
    : task.workflow_steps.find((s) => s.name === ref);
  if (!step) {
    const names = task.workflow_steps.filter((s) => s.map_of == null).map((s) => s.name);
    throw new NotFoundError(`task ${task.task_id} has no step '${ref}' (steps: ${names.join(', ')})`);
  }
  return step.workflow_step_id;
}

/** How many unfinished instances of a map `tasks show` lists under it. */
const MAP_LINES = 20;

function printTask(task: TaskRecord, children: readonly ChildTask[]): void {
  const t = taskJson(task, children);
  const run = t.run > 1 ? ` (run ${t.run})` : '';
  const wait = t.waiting_for ? ` (waiting for ${t.waiting_for})` : '';
  process.stdout.write(`task ${t.task_id} ${t.namespace}/${t.name}@${t.version}: ${t.current_state}${run}${wait}\n`);
  process.stdout.write(`  created ${t.created_at}${t.completed_at ? `, finished ${t.completed_at}` : ''}\n`);
  if (t.run_at) process.stdout.write(`  run at ${t.run_at}\n`);
  if (t.priority !== 0) process.stdout.write(`  priority ${t.priority}\n`);
  if (t.parent_task_id !== null) process.stdout.write(`  sub-workflow of task ${t.parent_task_id}\n`);
  const line = (s: StepJson, indent: string) => {
    const err = s.error ? `  (${s.error.class}: ${s.error.message})` : '';
    const waits = s.waiting_for ? `  waiting for ${s.waiting_for}` : '';
    process.stdout.write(
      `${indent}${String(s.workflow_step_id).padStart(6)} ${s.name.padEnd(30)} ${s.current_state.padEnd(17)} attempts ${s.attempts}/${s.retry_limit}${s.duration_ms !== null ? `  ${s.duration_ms} ms` : ''}${waits}${err}\n`,
    );
  };
  for (const s of t.workflow_steps) {
    line(s, '  ');
    if (!s.map) continue;
    // A mapped step: its instances by state, then those not completed (at most MAP_LINES of them).
    const counts = Object.entries(s.map.counts).map(([state, n]) => `${n} ${state}`);
    process.stdout.write(`         map: ${s.map.size} instances (${counts.join(', ')})\n`);
    const notDone = s.map.instances.filter((i) => i.current_state !== 'completed');
    for (const i of notDone.slice(0, MAP_LINES)) line(i, '    ');
    if (notDone.length > MAP_LINES) process.stdout.write(`    … ${notDone.length - MAP_LINES} more not completed\n`);
  }
  for (const a of t.annotations)
    process.stdout.write(`  annotation ${a.annotation_type}: ${JSON.stringify(a.content)}\n`);
  for (const c of t.subtasks) {
    process.stdout.write(`  subtask ${c.task_id} ${c.namespace}/${c.name}@${c.version}: ${c.current_state}\n`);
  }
}

export function registerTasks(program: Command): void {
  const tasks = program.command('tasks').description('inspect tasks and apply operator actions');

  addStoreOption(
    tasks
      .command('list')
      .description('list tasks, newest first')
      .option('--state <state>', `only tasks in this state (${TASK_STATES.join(', ')})`)
      .option('--namespace <ns>', 'only tasks of this namespace')
      .option('--name <name>', 'only tasks of this template name')
      .option('--limit <n>', 'at most this many (1-1000)', '50')
      .option('--json', 'print JSON'),
  ).action(
    async (flags: {
      db?: string;
      state?: string;
      namespace?: string;
      name?: string;
      limit: string;
      json?: boolean;
    }) => {
      if (flags.state && !(TASK_STATES as readonly string[]).includes(flags.state))
        throw new UsageError(`--state must be one of ${TASK_STATES.join(', ')}, got '${flags.state}'`);
      const limit = parseCount(flags.limit, '--limit', { min: 1, max: 1000 })!;
      await withStore(flags.db, async (store) => {
        const page = await store.listTasks({
          limit,
          sort: 'task_id',
          order: 'desc',
          ...(flags.state ? { state: flags.state as TaskState } : {}),
          ...(flags.namespace ? { namespace: flags.namespace } : {}),
          ...(flags.name ? { name: flags.name } : {}),
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(page.tasks.map(taskSummaryJson), null, 2)}\n`);
          return;
        }
        if (!page.tasks.length) process.stdout.write('no tasks\n');
        for (const t of page.tasks) {
          process.stdout.write(
            `${String(t.task_id).padStart(6)}  ${`${t.namespace}/${t.name}@${t.version}`.padEnd(50)} ${t.current_state.padEnd(17)} ${new Date(t.created_at).toISOString()}\n`,
          );
        }
      });
    },
  );

  addStoreOption(
    tasks
      .command('show')
      .description('show one task with its steps')
      .argument('<task_id>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: { db?: string; json?: boolean }) => {
    const taskId = parseId(id, 'task_id');
    await withStore(flags.db, async (store) => {
      const task = await requireTask(store, taskId);
      const children = await store.dynamic.childTasks(taskId);
      if (flags.json) process.stdout.write(`${JSON.stringify(taskJson(task, children), null, 2)}\n`);
      else printTask(task, children);
    });
  });

  addStoreOption(
    tasks.command('cancel').description('cancel a task').argument('<task_id>').option('--reason <text>'),
  ).action(async (id: string, flags: { db?: string; reason?: string }) => {
    const taskId = parseId(id, 'task_id');
    await withStore(flags.db, async (store) => {
      await requireTask(store, taskId);
      const res = await store.cancelTask(taskId, actor(), flags.reason ?? null);
      if (!res.cancelled) throw new UsageError(`task ${taskId} is already ${res.state}; nothing to cancel`);
      process.stdout.write(`task ${taskId} cancelled (${res.cancelled_step_ids.length} step(s) cancelled)\n`);
    });
  });

  const pause = (on: boolean) =>
    addStoreOption(
      tasks
        .command(on ? 'pause' : 'resume')
        .description(
          on
            ? 'pause a task: no new step starts, running steps finish'
            : 'resume a paused task: its ready steps run again',
        )
        .argument('<task_id>')
        .option('--reason <text>'),
    ).action(async (id: string, flags: { db?: string; reason?: string }) => {
      const taskId = parseId(id, 'task_id');
      await withStore(flags.db, async (store) => {
        await requireTask(store, taskId);
        const res = on
          ? await store.pauseTask(taskId, actor(), flags.reason ?? null)
          : await store.resumeTask(taskId, actor(), flags.reason ?? null);
        const verb = on ? 'paused' : 'resumed';
        const still = res.waiting_for ? `; it waits for ${res.waiting_for}` : '';
        process.stdout.write(
          res.changed
            ? `task ${taskId} ${verb} (${res.task_state}${still})\n`
            : `task ${taskId} was ${on ? 'already paused' : 'not paused'}; nothing changed${still}\n`,
        );
      });
    });
  pause(true);
  pause(false);

  const operate = (name: 'retry' | 'resolve' | 'skip', description: string) => {
    const cmd = tasks
      .command(name)
      .description(description)
      .argument('<task_id>')
      .argument(name === 'retry' ? '[step]' : '<step>', 'step id or name')
      .option('--reason <text>');
    if (name === 'resolve') cmd.option('--results <json>', 'results to record for the step', 'null');
    addStoreOption(cmd).action(
      async (id: string, stepRef: string | undefined, flags: { db?: string; reason?: string; results?: string }) => {
        const taskId = parseId(id, 'task_id');
        await withStore(flags.db, async (store) => {
          const task = await requireTask(store, taskId);
          const base = { task_id: taskId, actor: actor(), reason: flags.reason ?? null };
          let action: OperatorAction;
          if (name === 'retry' && stepRef === undefined) action = { type: 'retry_task', ...base };
          else {
            const step_id = findStep(task, stepRef!);
            if (name === 'retry') action = { type: 'retry_step', step_id, ...base };
            else if (name === 'skip') action = { type: 'skip_step', step_id, ...base };
            else {
              let results: unknown;
              try {
                results = JSON.parse(flags.results ?? 'null');
              } catch (err) {
                throw new UsageError(`--results is not valid JSON: ${(err as Error).message}`);
              }
              action = { type: 'resolve_step', step_id, results, ...base };
            }
          }
          const res = await store.operate(action);
          process.stdout.write(`task ${taskId}: ${action.type} done; task is ${res.task_state}\n`);
        });
      },
    );
  };
  operate('retry', 'retry a failed step (or every failed step of the task); the task resumes');
  operate('resolve', 'mark a step resolved_manually so its dependents run');
  operate('skip', 'skip a step so its dependents run');
  registerTasksRerun(tasks);
}
