// `tasker run` as a user runs it: all seven examples complete with --json, exit codes 0/1/2, live progress on a
// TTY-less stdout, and bad input (context, template, usage) rejected with exit 2 and a pointed message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const EX = ['--templates', 'examples/config/tasker/tasks', '--handlers', 'examples/handlers/index.ts'];

function tasker(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, TASKER_EXAMPLE_IO_SCALE: '0.2', ...env },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('tasker run', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cli-run-'));
    db = `sqlite:${join(dir, 'tasker.db')}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const examples = [
    'onboarding/user_onboarding',
    'data_processing/data_extraction',
    'ecommerce/order_verification',
    'ecommerce/conditional_order_processing',
    'data_processing/data_pipeline',
    'ecommerce/simple_order_processing',
    'ecommerce/complex_order_processing',
  ];
  it.each(examples)('completes %s with --json (exit 0, only JSON on stdout)', (ref) => {
    const out = tasker(['run', ref, ...EX, '--db', db, '--json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const task = JSON.parse(out.stdout);
    expect(`${task.namespace}/${task.name}`).toBe(ref);
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps.length).toBeGreaterThan(1);
  });

  it('prints progress lines without a TTY and exits 1 when the task fails', () => {
    const out = tasker([
      'run',
      'ecommerce/order_verification',
      ...EX,
      '--db',
      db,
      '--context',
      '{"payment_method":"declined_card"}',
    ]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('check_payment_method: failed (attempt 1)');
    expect(out.stdout).toContain('the card was declined');
    expect(out.stdout).toMatch(/task \d+ failed/);
  });

  it('rejects a context that is not JSON, or breaks the schema, with exit 2', () => {
    const bad = tasker(['run', 'ecommerce/order_verification', ...EX, '--db', db, '--context', '{order: 1}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--context is not valid JSON');
    const file = join(dir, 'ctx.json');
    writeFileSync(file, '[1,2]');
    const notObject = tasker(['run', 'ecommerce/order_verification', ...EX, '--db', db, '--context-file', file]);
    expect(notObject.code).toBe(2);
    expect(notObject.stderr).toContain('must be a JSON object');
  });

  it('rejects unknown templates and malformed references with exit 2', () => {
    const unknown = tasker(['run', 'ecommerce/order_verificaton', ...EX, '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown template ecommerce/order_verificaton');
    expect(unknown.stderr).toContain('ecommerce/order_verification@1.0.0'); // lists what exists
    const malformed = tasker(['run', 'order_verification', ...EX, '--db', db]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('<namespace>/<name>[@version]');
    const flag = tasker(['run', 'ecommerce/order_verification', ...EX, '--db', db, '--concurrency', 'lots']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--concurrency must be a whole number');
  });

  it('lists and shows tasks from the store', () => {
    const list = tasker(['tasks', 'list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const tasks = JSON.parse(list.stdout);
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    const failed = tasker(['tasks', 'list', '--db', db, '--state', 'failed', '--json']);
    expect(JSON.parse(failed.stdout).every((t: { current_state: string }) => t.current_state === 'failed')).toBe(true);
    const show = tasker(['tasks', 'show', String(tasks[0].task_id), '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`task ${tasks[0].task_id}`);
    const missing = tasker(['tasks', 'show', '999999', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('task 999999 does not exist');
  });

  it('resolves a failed step from the CLI so the task completes on resume', () => {
    const failed = tasker([
      'run',
      'ecommerce/order_verification',
      ...EX,
      '--db',
      db,
      '--context',
      '{"payment_method":"declined_card"}',
      '--json',
    ]);
    const task = JSON.parse(failed.stdout);
    expect(task.current_state).toBe('failed');
    const illegal = tasker(['tasks', 'skip', String(task.task_id), 'validate_order_data', '--db', db]);
    expect(illegal.code).toBe(2);
    expect(illegal.stderr).toMatch(/completed/);
    const resolved = tasker([
      'tasks',
      'resolve',
      String(task.task_id),
      'check_payment_method',
      '--results',
      '{"authorized":true,"authorization_id":"manual"}',
      '--db',
      db,
    ]);
    expect(resolved.code).toBe(0);
    const resumed = tasker(['resume', String(task.task_id), ...EX, '--db', db, '--json']);
    expect(resumed.code).toBe(0);
    const done = JSON.parse(resumed.stdout);
    expect(done.current_state).toBe('completed');
    const byName = Object.fromEntries(done.workflow_steps.map((s: { name: string }) => [s.name, s]));
    expect(byName.check_payment_method.current_state).toBe('resolved_manually');
    expect(byName.finalize_order.results.authorization_id).toBe('manual');
  });
});
