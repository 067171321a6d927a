// `tasker submit <namespace>/<name>[@version]`: create a task and print its id without running it; workers
// (`tasker worker`, or any engine on the same store) run it. Only the named template must be valid.
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { addEngineOptions, parseTemplateRef, readContext, type EngineFlags } from '../engine-options.js';
import { openEngineFor } from '../command-templates.js';
import { addMigrateOption, migrateOnOpen } from '../migrate-on-open.js';

export function registerSubmit(program: Command): void {
  const cmd = program
    .command('submit')
    .description('create a task and print its id, without running it')
    .argument('<template>', 'namespace/name[@version]')
    .option('--context <json>', 'task context as a JSON object')
    .option('--context-file <file>', 'read the task context from a JSON file')
    .option('--idempotency-key <key>', 'return the existing task when this key was used before')
    .option('--json', 'print {task_id, created} as JSON');
  addMigrateOption(addEngineOptions(cmd, { running: false })).action(
    async (
      ref: string,
      flags: EngineFlags & {
        context?: string;
        contextFile?: string;
        idempotencyKey?: string;
        json?: boolean;
        migrate?: boolean;
      },
    ) => {
      const target = parseTemplateRef(ref);
      if (flags.stepTimeout !== undefined)
        throw new UsageError(
          '--step-timeout applies to processes that run steps (run, worker, serve); submit runs none',
        );
      const context = readContext(flags);
      const tasker = await openEngineFor(target, flags, {
        concurrency: 0,
        start: false,
        migrate: migrateOnOpen(flags),
      });
      try {
        const res = await tasker.submit({
          namespace: target.namespace,
          name: target.name,
          ...(target.version ? { version: target.version } : {}),
          context,
          initiator: 'cli',
          source_system: 'tasker submit',
          ...(flags.idempotencyKey ? { idempotency_key: flags.idempotencyKey } : {}),
        });
        process.stdout.write(flags.json ? `${JSON.stringify(res)}\n` : `${res.task_id}\n`);
      } finally {
        await tasker.close();
      }
    },
  );
}
