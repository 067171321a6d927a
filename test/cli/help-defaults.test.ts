// The CLI's help states the defaults of the one table (src/core/defaults.ts) and the variables behind them, and
// its flags are held to the ranges of resolveTaskerOptions; a bad environment variable is refused naming it.
import { describe, expect, it } from 'vitest';
import { TASKER_DEFAULTS } from '../../src/core/defaults.js';
import { runCli } from './cli-runner.js';

/** The help line of `flag` (commander may wrap a long description onto the next lines). */
function helpOf(help: string, flag: string): string {
  const lines = help.split('\n');
  const i = lines.findIndex((l) => l.trimStart().startsWith(flag));
  expect(i, `${flag} in the help`).toBeGreaterThanOrEqual(0);
  const out = [lines[i]!];
  for (let j = i + 1; j < lines.length && /^\s{10,}\S/.test(lines[j]!); j++) out.push(lines[j]!);
  return out.map((l) => l.trim()).join(' ');
}

describe('tasker --help and the defaults table', () => {
  it('worker: every engine flag names its default from the table', async () => {
    const { stdout } = await runCli(['worker', '--help']);
    expect(helpOf(stdout, '--db')).toContain(`$TASKER_DATABASE_URL, else ${TASKER_DEFAULTS.db}`);
    expect(helpOf(stdout, '--log-level')).toContain(`$TASKER_LOG_LEVEL, else ${TASKER_DEFAULTS.logLevel}`);
    expect(helpOf(stdout, '--step-timeout')).toContain(
      `$TASKER_STEP_TIMEOUT_MS, else ${TASKER_DEFAULTS.stepTimeoutMs}`,
    );
    expect(helpOf(stdout, '--handlers-timeout')).toContain(`default ${TASKER_DEFAULTS.handlersTimeoutMs}`);
    expect(helpOf(stdout, '--concurrency')).toContain(`default: "${TASKER_DEFAULTS.concurrency}"`);
    expect(helpOf(stdout, '--lease-ms')).toContain(`default ${TASKER_DEFAULTS.leaseMs}`);
    expect(helpOf(stdout, '--drain-timeout-ms')).toContain(`default: "${TASKER_DEFAULTS.drainTimeoutMs}"`);
    const { intervalMs, batchSize } = TASKER_DEFAULTS.retention;
    expect(helpOf(stdout, '--retention')).toContain(`interval=${intervalMs / 60_000}m and batch=${batchSize}`);
  });

  it('serve: --workers defaults to the engine concurrency, and the drain timeout and lease to the table', async () => {
    const { stdout } = await runCli(['serve', '--help']);
    expect(helpOf(stdout, '--workers')).toContain(`default: "${TASKER_DEFAULTS.concurrency}"`);
    expect(helpOf(stdout, '--lease-ms')).toContain(`default ${TASKER_DEFAULTS.leaseMs}`);
    expect(helpOf(stdout, '--drain-timeout-ms')).toContain(`default: "${TASKER_DEFAULTS.drainTimeoutMs}"`);
    expect(helpOf(stdout, '--log-level')).toContain(`else ${TASKER_DEFAULTS.logLevel}`);
  });

  it('refuses a --log-level that is not a level, naming the flag', async () => {
    const r = await runCli(['run', 'x/y', '--templates', 'examples/config/tasker/tasks', '--log-level', 'loud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--log-level must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'");
  });

  it('refuses a bad $TASKER_LOG_LEVEL before opening anything, naming the variable', async () => {
    const r = await runCli(['tasks', 'list', '--db', 'sqlite::memory:'], { env: { TASKER_LOG_LEVEL: 'loud' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environment variable TASKER_LOG_LEVEL must be one of fatal, error, warn');
  });
});
