// Issue 12 (Logs), through the real CLI: a failing step's line on stderr carries the task and step fields, and so
// does a line the handler writes with `step.logger`; TASKER_LOG_FORMAT / --log-format choose JSON or pretty lines
// (JSON when stderr is not a terminal, as here), and a bad value is refused naming the variable or the flag.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-log-format-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(
  path.join(tmp, 'charge.yaml'),
  'name: charge\nnamespace_name: billing\nversion: 1.2.0\nmodule_namespace: Billing\nstep_templates:\n' +
    '  - name: capture\n    default_retry_limit: 1\n',
);
writeFileSync(
  path.join(tmp, 'handlers.mjs'),
  `export const handlers = {
  'Billing::CaptureHandler': (task, _sequence, step) => {
    step.logger.child({ gateway: 'acme' }).info({ amount: 42 }, 'capturing the payment');
    throw new Error('card declined');
  },
};\n`,
);

let db = 0;
const run = (extra: string[], env: Record<string, string> = {}) =>
  runCli(
    [
      'run',
      'billing/charge',
      '--templates',
      'charge.yaml',
      '--handlers',
      'handlers.mjs',
      '--db',
      `sqlite:run-${++db}.db`,
      '--json',
      ...extra,
    ],
    { cwd: tmp, env: { TASKER_LOG_LEVEL: '', TASKER_LOG_FORMAT: '', ...env } },
  );

function jsonLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('log lines of `tasker run`', () => {
  it('JSON by default off a terminal: the failed step and the handler lines carry the task and step fields', async () => {
    const r = await run(['--log-level', 'info'], { TASKER_LOG_LEVEL: 'silent' }); // the flag wins
    expect(r.code).toBe(1);
    const task = JSON.parse(r.stdout) as {
      task_id: number;
      correlation_id: string;
      workflow_steps: Array<{ workflow_step_id: number }>;
    };
    const step = {
      task_id: task.task_id,
      workflow_step_id: task.workflow_steps[0]!.workflow_step_id,
      step: 'capture',
      namespace: 'billing',
      task: 'billing/charge@1.2.0',
      correlation_id: task.correlation_id,
      attempt: 1,
    };
    const lines = jsonLines(r.stderr);
    const failed = lines.filter((l) => l.msg === 'step failed for good');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      ...step,
      level: 50,
      error_message: 'card declined (gave up after 1 attempt)',
      error_class: 'Error',
    });
    const own = lines.filter((l) => l.msg === 'capturing the payment');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ ...step, level: 30, gateway: 'acme', amount: 42 });
    const taskFailed = lines.filter((l) => String(l.msg).startsWith('task failed'));
    expect(taskFailed[0]).toMatchObject({
      task_id: task.task_id,
      namespace: 'billing',
      task: 'billing/charge@1.2.0',
      correlation_id: task.correlation_id,
    });
  });

  it('takes the level and the format from TASKER_LOG_LEVEL and TASKER_LOG_FORMAT', async () => {
    const r = await run([], { TASKER_LOG_LEVEL: 'error', TASKER_LOG_FORMAT: 'json' });
    expect(r.code).toBe(1);
    const messages = jsonLines(r.stderr).map((l) => l.msg);
    expect(messages).toContain('step failed for good');
    expect(messages).not.toContain('capturing the payment'); // info, below the level
  });

  it('TASKER_LOG_FORMAT=pretty or --log-format pretty writes human-readable lines with the same fields', async () => {
    const pretty = await run([], { TASKER_LOG_FORMAT: 'pretty' });
    expect(pretty.code).toBe(1);
    const lines = pretty.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(pretty.stderr).toMatch(/ERROR.*step failed for good/);
    expect(pretty.stderr).toContain('"task":"billing/charge@1.2.0"');
    expect(pretty.stderr).toContain('"step":"capture"');
    expect(pretty.stderr).not.toContain('\u001b['); // not a terminal: no colours

    const flag = await run(['--log-format', 'pretty'], { TASKER_LOG_FORMAT: 'json' });
    expect(flag.stderr).toMatch(/ERROR.*step failed for good/);
  });

  it('refuses a bad TASKER_LOG_FORMAT or --log-format with exit 2, naming it and the allowed values', async () => {
    const env = await run([], { TASKER_LOG_FORMAT: 'xml' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("environment variable TASKER_LOG_FORMAT must be one of json, pretty, auto; got 'xml'");
    const flag = await run(['--log-format', 'xml']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--log-format must be one of json, pretty, auto, got 'xml'");
  });
});
