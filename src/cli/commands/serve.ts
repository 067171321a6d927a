// `tasker serve`: the HTTP API under /tasker, optionally running steps in this process (`--workers n`, 0 = API
// only beside `tasker worker` processes). It refuses to serve a non-loopback address without auth unless told
// `--insecure-no-auth`. SIGTERM/SIGINT close the server, then drain and close the engine.
import type { Command } from 'commander';
import type { AddressInfo } from 'node:net';
import { DEFAULT_BODY_LIMIT } from '../../api/server-options.js';
import { AUTH_TOKENS_ENV, loadAuthConfig } from '../../api/auth/config.js';
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { readEnvironment } from '../../core/environment.js';
import { OPTION_RANGES } from '../../engine/options.js';
import { isLoopbackHost, parseOriginPolicy } from '../../api/origin-guard.js';
import { redactStoreUrl } from '../../store/store-url.js';
import { UsageError } from '../cli-errors.js';
import { addEngineOptions, LEASE_MS_HELP, openEngine, parseCount, type EngineFlags } from '../engine-options.js';
import { addMigrateOption, migrateOnOpen } from '../migrate-on-open.js';
import { addRetentionOption, parseRetention } from '../retention-flags.js';

interface ServeFlags extends EngineFlags {
  port: string;
  host: string;
  workers: string;
  authTokens?: string;
  bodyLimit: string;
  drainTimeoutMs: string;
  allowedHosts?: string;
  allowedOrigins?: string;
  insecureNoAuth?: boolean;
  migrate?: boolean;
  retention?: string;
}

/** A comma-separated flag value as a list (empty entries dropped). */
function listOf(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description(
      'serve the HTTP API under /tasker (tasks, steps, operator actions, handlers, health, metrics, OpenAPI)',
    )
    .option('--port <n>', 'TCP port; 0 picks a free one', '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--workers <n>',
      'steps run at once in this process; 0 serves the API only',
      String(TASKER_DEFAULTS.concurrency),
    )
    .option('--auth-tokens <file>', `JSON/YAML tokens file; turns on bearer auth (default: $${AUTH_TOKENS_ENV})`)
    .option('--body-limit <bytes>', 'largest accepted request body', String(DEFAULT_BODY_LIMIT))
    .option(
      '--allowed-hosts <list>',
      'Host names requests may use besides the bound address (comma-separated, * = any)',
    )
    .option('--allowed-origins <list>', "origins besides the server's own that may POST/DELETE (comma-separated)")
    .option('--insecure-no-auth', 'serve a non-loopback --host without auth (anyone who reaches it can act)')
    .option('--namespaces <list>', 'only run steps of tasks in these namespaces (comma-separated)')
    .option('--lease-ms <ms>', LEASE_MS_HELP)
    .option(
      '--drain-timeout-ms <ms>',
      'on shutdown, how long to wait for in-flight steps before releasing them',
      String(TASKER_DEFAULTS.drainTimeoutMs),
    );
  addRetentionOption(addMigrateOption(addEngineOptions(cmd, { running: false }))).action(async (flags: ServeFlags) => {
    const port = parseCount(flags.port, '--port', { min: 0, max: 65_535 })!;
    const workers = parseCount(flags.workers, '--workers', OPTION_RANGES.concurrency)!;
    const retention = flags.retention === undefined ? undefined : parseRetention(flags.retention);
    if (retention && workers === 0)
      throw new UsageError('--retention runs beside the steps of this process: give --workers 1 or more');
    const bodyLimit = parseCount(flags.bodyLimit, '--body-limit', { min: 1024, max: 1024 * 1024 * 1024 })!;
    const drainTimeoutMs = parseCount(flags.drainTimeoutMs, '--drain-timeout-ms', OPTION_RANGES.drainTimeoutMs)!;
    const allowedHosts = listOf(flags.allowedHosts);
    const allowedOrigins = listOf(flags.allowedOrigins);
    try {
      parseOriginPolicy(allowedHosts, allowedOrigins, { hosts: '--allowed-hosts', origins: '--allowed-origins' });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const authOn = Boolean(flags.authTokens ?? readEnvironment().TASKER_AUTH_TOKENS_FILE);
    if (!authOn && !isLoopbackHost(flags.host) && !flags.insecureNoAuth) {
      throw new UsageError(
        `--host ${flags.host} is not a loopback address and auth is off: anyone who reaches it could create, ` +
          `cancel and operate tasks. Give --auth-tokens <file> (or $${AUTH_TOKENS_ENV}), or --insecure-no-auth ` +
          'if that is really meant',
      );
    }
    // Read the tokens file before touching the database, so a bad file fails fast.
    const auth = flags.authTokens ? loadAuthConfig(flags.authTokens) : undefined;
    // Steps start running once the server (and its metrics) is attached, so every step is counted.
    const extra = { drainTimeoutMs, migrate: migrateOnOpen(flags), start: false, ...(retention ? { retention } : {}) };
    const tasker = await openEngine({ ...flags, concurrency: String(workers) }, extra);
    let app;
    try {
      // Fastify and the metrics load only here: other commands (a worker) never import them.
      const { createApiServer } = await import('../../api/server.js');
      const options = { bodyLimit, concurrency: workers, allowedHosts, allowedOrigins };
      app = createApiServer(tasker, { ...options, ...(auth ? { auth } : {}) });
      if (workers > 0) await tasker.start();
      try {
        await app.listen({ port, host: flags.host });
      } catch (err) {
        throw new UsageError(`cannot listen on ${flags.host}:${port}: ${(err as Error).message}`);
      }
    } catch (err) {
      await app?.close().catch(() => undefined);
      await tasker.close();
      throw err;
    }
    // Handlers first: whoever reads the listening line may signal at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stderr.write(`tasker serve: ${signal} received, shutting down\n`);
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    const addr = app.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    if (!authOn && !isLoopbackHost(flags.host)) {
      process.stderr.write(
        `tasker serve: warning: auth is off (--insecure-no-auth) and ${flags.host} is not loopback; ` +
          'anyone who reaches it can create and cancel tasks\n',
      );
    }
    const running = workers ? `${workers} step workers` : 'API only';
    const store = redactStoreUrl(tasker.store.url);
    process.stderr.write(
      `tasker serve: listening on http://${host}:${addr.port}/tasker (store ${store}, ${running}, auth ${authOn ? 'on' : 'off'})\n`,
    );
    process.stderr.write(`tasker serve: dashboard at http://${host}:${addr.port}/tasker/ui/\n`);
    await stopped;
    await app.close();
    await tasker.close();
    process.stderr.write('tasker serve: stopped\n');
    process.exitCode = 0;
  });
}
