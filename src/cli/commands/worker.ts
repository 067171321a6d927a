// `tasker worker`: run ready steps of any task in the store until SIGTERM/SIGINT, then drain (stop claiming,
// finish or release in-flight steps) and exit 0.
import type { Command } from 'commander';
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { OPTION_RANGES } from '../../engine/options.js';
import { addEngineOptions, openEngine, parseCount, type EngineFlags } from '../engine-options.js';
import { addMigrateOption, migrateOnOpen } from '../migrate-on-open.js';

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('run ready steps from the store until stopped (SIGTERM/SIGINT drain and exit 0)')
    .option(
      '--drain-timeout-ms <ms>',
      'how long to wait for in-flight steps on stop before releasing them',
      String(TASKER_DEFAULTS.drainTimeoutMs),
    );
  addMigrateOption(addEngineOptions(cmd)).action(
    async (flags: EngineFlags & { drainTimeoutMs: string; migrate?: boolean }) => {
      const drainTimeoutMs = parseCount(flags.drainTimeoutMs, '--drain-timeout-ms', OPTION_RANGES.drainTimeoutMs)!;
      const tasker = await openEngine(flags, { drainTimeoutMs, migrate: migrateOnOpen(flags) });
      tasker.logger.info({ worker_id: tasker.workerId, store: tasker.store.url }, 'worker started');
      process.stderr.write(`tasker worker ${tasker.workerId} running on ${tasker.store.url}\n`);
      const keepAlive = setInterval(() => undefined, 60_000);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`tasker worker: ${signal} received, draining\n`);
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await tasker.close();
      clearInterval(keepAlive);
      process.stderr.write('tasker worker: stopped\n');
      process.exitCode = 0;
    },
  );
}
