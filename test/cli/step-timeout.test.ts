// `--step-timeout` / $TASKER_STEP_TIMEOUT_MS: the timeout of steps that set none, for the processes that run steps
// (run, worker, serve). A handler that never settles no longer keeps `tasker run` from returning.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-step-timeout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(
  path.join(tmp, 'hang.yaml'),
  'name: hang\nnamespace_name: t\nversion: 1.0.0\nmodule_namespace: T\nstep_templates:\n  - name: wait\n    default_retry_limit: 1\n',
);
writeFileSync(
  path.join(tmp, 'handlers.mjs'),
  `export const handlers = { 'T::WaitHandler': () => new Promise(() => {}) };\n`,
);

const run = (extra: string[], env: Record<string, string> = {}) =>
  runCli(
    [
      'run',
      't/hang',
      '--templates',
      'hang.yaml',
      '--handlers',
      'handlers.mjs',
      '--db',
      'sqlite:tasker.db',
      '--json',
      ...extra,
    ],
    { cwd: tmp, env },
  );

describe('tasker run --step-timeout', () => {
  it('fails a step that never settles after --step-timeout, exit 1', async () => {
    const r = await run(['--step-timeout', '300']);
    expect(r.code).toBe(1);
    const step = JSON.parse(r.stdout).workflow_steps[0];
    expect(step.error.class).toBe('StepTimeoutError');
    expect(step.error.message).toContain('step timed out after 300 ms');
  });

  it('takes the timeout from $TASKER_STEP_TIMEOUT_MS when the flag is not given', async () => {
    const r = await run([], { TASKER_STEP_TIMEOUT_MS: '250' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).workflow_steps[0].error.message).toContain('step timed out after 250 ms');
  });

  it('rejects bad values with exit 2, naming the flag or the variable', async () => {
    const flag = await run(['--step-timeout', '0']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--step-timeout must be between 1 and 2147483647, got 0');
    const env = await run([], { TASKER_STEP_TIMEOUT_MS: 'ten' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain(
      "environment variable TASKER_STEP_TIMEOUT_MS must be a positive integer of milliseconds, at most 2147483647; got 'ten'",
    );
  });

  it('is refused by submit, which runs no steps', async () => {
    const r = await runCli(
      ['submit', 't/hang', '--templates', 'hang.yaml', '--db', 'sqlite:tasker.db', '--step-timeout', '300'],
      { cwd: tmp },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--step-timeout applies to processes that run steps');
  });
});
