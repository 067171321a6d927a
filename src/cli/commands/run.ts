// `tasker run <namespace>/<name>[@version]`: submit a task and run it to its end in this process, with live
// progress on a TTY or the final task JSON with --json. Exit 0 completed, 1 failed/cancelled, 2 bad input. Only
// the named template must be valid; others' problems are warnings (command-templates.ts).
import type { Command } from 'commander';
import { addEngineOptions, parseTemplateRef, readContext, type EngineFlags } from '../engine-options.js';
import { openEngineFor } from '../command-templates.js';
import { ProgressView } from '../progress-view.js';

interface RunFlags extends EngineFlags {
  context?: string;
  contextFile?: string;
  json?: boolean;
  idempotencyKey?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a task to its end in this process')
    .argument('<template>', 'namespace/name[@version]')
    .option('--context <json>', 'task context as a JSON object')
    .option('--context-file <file>', 'read the task context from a JSON file')
    .option('--idempotency-key <key>', 'return the existing task when this key was used before')
    .option('--json', 'print only the final task as JSON on stdout');
  addEngineOptions(cmd).action(async (ref: string, flags: RunFlags) => {
    const target = parseTemplateRef(ref);
    const context = readContext(flags);
    // One task, then exit: this process ticks no cron schedule (workers and serve do).
    const tasker = await openEngineFor(target, flags, { schedules: false });
    try {
      const template = tasker.templates.get(target.namespace, target.name, target.version);
      const progress =
        !flags.json && template
          ? new ProgressView(
              process.stdout,
              template.step_templates.map((s) => s.name),
              `${target.namespace}/${target.name}@${template.version}`,
            )
          : null;
      if (progress) tasker.subscribe(progress.onEvent, ['*']);
      const { task_id } = await tasker.submit({
        namespace: target.namespace,
        name: target.name,
        ...(target.version ? { version: target.version } : {}),
        context,
        initiator: 'cli',
        source_system: 'tasker run',
        ...(flags.idempotencyKey ? { idempotency_key: flags.idempotencyKey } : {}),
      });
      progress?.attach(task_id);
      const task = await tasker.waitForTask(task_id);
      if (flags.json) process.stdout.write(`${JSON.stringify(task, null, 2)}\n`);
      else progress?.finish(task);
      process.exitCode = task.current_state === 'completed' || task.current_state === 'resolved_manually' ? 0 : 1;
    } finally {
      await tasker.close();
    }
  });
}
