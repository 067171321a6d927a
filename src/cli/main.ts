#!/usr/bin/env node
// The `tasker` binary: builds the commander program from one module per command and maps failures to exit codes
// (0 success, 1 a task failed or was cancelled, 2 bad usage / template / context); `--verbose` adds stack traces.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { isTaskerError } from '../core/errors.js';
import { exitCodeFor, reportError } from './cli-errors.js';
import type { TracingSdk } from './tracing-sdk.js';

/** Commands that submit or run tasks: they export traces when the OTEL_* environment asks for them. */
const TRACED_COMMANDS = new Set(['run', 'worker', 'serve', 'submit', 'resume']);
/** Those that stop on SIGTERM by themselves (drain, then return): the rest flush their spans on the signal. */
const HANDLE_SIGTERM = new Set(['worker', 'serve']);

/** The package version; `src/cli` and `dist/cli` both sit two levels below package.json. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('tasker')
    .description('Durable DAG workflow orchestration: validate templates, run tasks, serve the API, run workers.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print the stack trace of an error')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  let tracing = null as TracingSdk | null;
  program.hook('preAction', async (_program, action) => {
    const name = action.name();
    if (action.parent !== program || !TRACED_COMMANDS.has(name)) return;
    const { startTracingFromEnvironment } = await import('./tracing-sdk.js');
    tracing = await startTracingFromEnvironment({ http: name === 'serve', flushOnSigterm: !HANDLE_SIGTERM.has(name) });
  });
  try {
    return await runProgram(program, argv);
  } finally {
    await tracing?.shutdown();
  }
}

async function runProgram(program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; they exit 0.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return 0;
      return 2;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true || argv.includes('--verbose');
    reportError(err, { verbose });
    const code = exitCodeFor(err);
    // A handlers module that never finished loading cannot be stopped and may keep the event loop busy: leave now.
    if (isTaskerError(err) && err.code === 'handlers_timeout') process.exit(code);
    return code;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    reportError(err, { verbose: process.argv.includes('--verbose') });
    process.exitCode = 2;
  },
);
