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
    .option('--run-at <time>', 'start no step before this RFC 3339 time, e.g. 2026-05-01T09:00:00Z (not with --delay)')
    .option('--delay <duration>', 'start no step before this long from now: 90s, 5m, 2h, 1d, or milliseconds')
    .option('--priority <n>', "claim priority of the task's steps, -1000..1000, higher first (default: the template's)")
    .option('--json', 'print {task_id, created} as JSON');
  addMigrateOption(addEngineOptions(cmd, { running: false })).action(
    async (
      ref: string,
      flags: EngineFlags & {
        context?: string;
        contextFile?: string;
        idempotencyKey?: string;
        runAt?: string;
        delay?: string;
        priority?: string;
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
      if (flags.priority !== undefined && !/^-?\d+$/.test(flags.priority))
        throw new UsageError(`--priority must be an integer from -1000 to 1000, got '${flags.priority}'`);
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
          // checked by the engine, which names the bad field (both given, unreadable, too far ahead)
          ...(flags.runAt !== undefined ? { run_at: flags.runAt } : {}),
          ...(flags.delay !== undefined ? { delay: flags.delay } : {}),
          ...(flags.priority !== undefined ? { priority: Number(flags.priority) } : {}),
        });
        process.stdout.write(flags.json ? `${JSON.stringify(res)}\n` : `${res.task_id}\n`);
      } finally {
        await tasker.close();
      }
    },
  );
}
