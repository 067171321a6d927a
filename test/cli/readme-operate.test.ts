// The README's "Inspect and operate" scenario end to end: an order_verification task fails because the shipping
// address cannot be verified; the operator skips verify_shipping_address and resumes; the example's
// FinalizeOrderHandler copes with the skipped step's missing results and the task completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-readme-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DB = ['--db', `sqlite:${path.join(tmp, 'tasker.db')}`];
const H = ['--templates', 'examples/config/tasker/tasks', '--handlers', 'examples/handlers/index.ts'];
const env = { TASKER_EXAMPLE_IO_SCALE: '0' };

describe('README: skip a failed verification, then the task completes', () => {
  it('tasks skip … verify_shipping_address, then resume: finalize_order runs without shipping results', async () => {
    const failed = await runCli(
      ['run', 'ecommerce/order_verification', ...H, ...DB, '--json', '--context', '{"order_id":7,"country":"XX"}'],
      { env },
    );
    expect(failed.code).toBe(1);
    const task = JSON.parse(failed.stdout);
    expect(
      task.workflow_steps.find((s: { name: string }) => s.name === 'verify_shipping_address').error.message,
    ).toContain('we do not ship to XX');

    const skip = await runCli(['tasks', 'skip', String(task.task_id), 'verify_shipping_address', ...DB], { env });
    expect(skip.code).toBe(0);

    const resumed = await runCli(['resume', String(task.task_id), ...H, ...DB, '--json'], { env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const done = JSON.parse(resumed.stdout);
    expect(done.current_state).toBe('completed');
    const finalize = done.workflow_steps.find((s: { name: string }) => s.name === 'finalize_order');
    expect(finalize.results).toMatchObject({
      status: 'verified_with_skips',
      skipped: ['verify_shipping_address'],
      carrier: null,
    });
    expect(finalize.results.authorization_id).toMatch(/^auth_/);
  });
});
