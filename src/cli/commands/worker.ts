// `tasker worker`: run ready steps of any task in the store until SIGTERM/SIGINT, then drain (stop claiming,
// finish or release in-flight steps) and exit 0. With `--metrics-port`, serve Prometheus metrics at /metrics.
import type { Command } from 'commander';
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { OPTION_RANGES } from '../../engine/options.js';
import { addEngineOptions, openEngine, parseCount, type EngineFlags } from '../engine-options.js';
import { addMigrateOption, migrateOnOpen } from '../migrate-on-open.js';
import type { MetricsServer } from '../metrics-server.js';
import { addRetentionOption, parseRetention } from '../retention-flags.js';

interface WorkerFlags extends EngineFlags {
  drainTimeoutMs: string;
  migrate?: boolean;
  metricsPort?: string;
  metricsHost: string;
  retention?: string;
}

export function registerWorker(program: Command): void {
  const cmd = program
    .command('worker')
    .description('run ready steps from the store until stopped (SIGTERM/SIGINT drain and exit 0)')
    .option(
      '--drain-timeout-ms <ms>',
      'how long to wait for in-flight steps on stop before releasing them',
      String(TASKER_DEFAULTS.drainTimeoutMs),
    )
    .option('--metrics-port <n>', 'serve Prometheus metrics at /metrics on this port (0 picks a free one)')
    .option('--metrics-host <address>', 'address the metrics server listens on', '127.0.0.1');
  addRetentionOption(addMigrateOption(addEngineOptions(cmd))).action(async (flags: WorkerFlags) => {
    const retention = flags.retention === undefined ? undefined : parseRetention(flags.retention);
    const drainTimeoutMs = parseCount(flags.drainTimeoutMs, '--drain-timeout-ms', OPTION_RANGES.drainTimeoutMs)!;
    const metricsPort = parseCount(flags.metricsPort, '--metrics-port', { min: 0, max: 65_535 });
    // With metrics, start running steps only once they are attached, so every step is counted.
    const start = metricsPort === undefined;
    const tasker = await openEngine(flags, {
      drainTimeoutMs,
      migrate: migrateOnOpen(flags),
      ...(retention ? { retention } : {}),
      ...(start ? {} : { start }),
    });
    let metrics: MetricsServer | undefined;
    if (metricsPort !== undefined) {
      try {
        const { serveMetrics } = await import('../metrics-server.js');
        metrics = await serveMetrics(tasker, flags.metricsHost, metricsPort);
        await tasker.start();
      } catch (err) {
        await metrics?.close();
        await tasker.close();
        throw err;
      }
      process.stderr.write(`tasker worker: metrics on ${metrics.url}\n`);
    }
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
    await metrics?.close();
    clearInterval(keepAlive);
    process.stderr.write('tasker worker: stopped\n');
    process.exitCode = 0;
  });
}
