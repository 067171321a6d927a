// Flow control from the CLI on a SQLite file, with the flow-control examples: `submit --delay/--run-at/--priority`,
// `tasks pause|resume`, `pause`/`resume` of a template or a namespace, `paused`, and the pointed usage errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { taskJson } from '../../src/engine/task-json.js';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-flow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DB = ['--db', `sqlite:${path.join(tmp, 'tasker.db')}`];
const T = ['--templates', 'examples/flow-control/tasks'];
const H = [...T, '--handlers', 'examples/flow-control/handlers.ts'];
const env = { TASKER_EXAMPLE_IO_SCALE: '0' };

/** The task as `tasks show --json` prints it, read in-process (each CLI run costs seconds). */
async function show(id: number) {
  const store = await openStore(DB[1]!);
  try {
    return taskJson((await store.getTask(id))!);
  } finally {
    await store.close();
  }
}

describe('flow control from the CLI', () => {
  it('submits a delayed task with a priority, pauses, resumes and cancels it', { timeout: 180_000 }, async () => {
    const reminder = ['flow_control/send_reminder', ...T, ...DB, '--context', '{"email":"ada@example.com"}'];
    const sub = await runCli(['submit', ...reminder, '--delay', '1h', '--priority', '7', '--json'], { env });
    expect(sub.code, sub.stderr).toBe(0);
    const { task_id } = JSON.parse(sub.stdout);
    const task = await show(task_id);
    expect(task).toMatchObject({ current_state: 'pending', waiting_for: 'delay', priority: 7, paused: false });
    expect(Date.parse(task.run_at!) - Date.parse(task.created_at)).toBe(3_600_000);
    const text = await runCli(['tasks', 'show', String(task_id), ...DB], { env });
    expect(text.stdout).toContain('pending (waiting for delay)');
    expect(text.stdout).toContain(`run at ${task.run_at}`);
    expect(text.stdout).toContain('priority 7');

    const paused = await runCli(['tasks', 'pause', String(task_id), ...DB, '--reason', 'hold on'], { env });
    expect(paused.stdout).toBe(`task ${task_id} paused (pending; it waits for paused)\n`);
    expect((await show(task_id)).paused).toBe(true);
    const resumed = await runCli(['tasks', 'resume', String(task_id), ...DB], { env });
    expect(resumed.stdout).toBe(`task ${task_id} resumed (pending; it waits for delay)\n`);
    expect((await runCli(['tasks', 'cancel', String(task_id), ...DB], { env })).code).toBe(0);
    const late = await runCli(['tasks', 'pause', String(task_id), ...DB], { env });
    expect(late.code).not.toBe(0);
    expect(late.stderr).toContain(`cannot pause task ${task_id}: it is cancelled`);
  });

  it('refuses --run-at with --delay, an unreadable delay and a bad priority, naming the flag', async () => {
    const base = ['submit', 'flow_control/vip_order', ...T, ...DB];
    const both = await runCli([...base, '--run-at', '2030-01-01T00:00:00Z', '--delay', '5m'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give 'run_at' or 'delay', not both");
    const delay = await runCli([...base, '--delay', 'soon'], { env });
    expect(delay.code).toBe(2);
    expect(delay.stderr).toContain("'delay' must be a duration such as '90s'");
    const priority = await runCli([...base, '--priority', 'high'], { env });
    expect(priority.code).toBe(2);
    expect(priority.stderr).toContain("--priority must be an integer from -1000 to 1000, got 'high'");
  });

  it(
    'pauses a template and a namespace, lists them, and resume releases the waiting task',
    { timeout: 180_000 },
    async () => {
      const pause = await runCli(['pause', 'flow_control/capture_payment', ...DB, '--reason', 'gateway down'], { env });
      expect(pause.stdout).toBe('template flow_control/capture_payment paused (0 unfinished task(s) held)\n');
      expect((await runCli(['pause', 'flow_control', ...DB], { env })).code).toBe(0);
      const list = await runCli(['paused', ...DB], { env });
      expect(list.stdout).toMatch(/^namespace flow_control paused \S+ by cli:\S+\n/);
      expect(list.stdout).toMatch(/template flow_control\/capture_payment paused \S+ by cli:\S+: gateway down\n$/);

      const sub = await runCli(['submit', 'flow_control/capture_payment', ...T, ...DB, '--context', '{"order_id":4}'], {
        env,
      });
      const id = Number(sub.stdout.trim());
      expect(await show(id)).toMatchObject({ current_state: 'pending', waiting_for: 'paused' });
      // crash recovery reports a held task instead of waiting for it
      const waiting = await runCli(['resume', ...H, ...DB], { env });
      expect(waiting.stdout).toContain(`task ${id} flow_control/capture_payment@1.0.0: pending (waiting for paused)`);

      const ns = await runCli(['resume', 'flow_control', ...DB], { env });
      expect(ns.stdout).toBe('namespace flow_control resumed (0 task(s) released)\n');
      const tpl = await runCli(['resume', 'flow_control/capture_payment', ...DB], { env });
      expect(tpl.stdout).toBe('template flow_control/capture_payment resumed (1 task(s) released)\n');
      const done = await runCli(['resume', String(id), ...H, ...DB, '--json'], { env });
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ current_state: 'completed', paused: false });
      expect((await runCli(['paused', ...DB, '--json'], { env })).stdout).toBe('[]\n');

      const versioned = await runCli(['pause', 'flow_control/capture_payment@1.0.0', ...DB], { env });
      expect(versioned.code).toBe(2);
      expect(versioned.stderr).toContain('a pause applies to every version of a template');
    },
  );

  it('lists the concurrency slot groups: the second sync of a customer waits for the first', async () => {
    const sync = ['submit', 'flow_control/sync_customer', ...T, ...DB, '--context', '{"customer_id":"acme"}'];
    const first = await runCli(sync, { env });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(sync, { env });
    expect(await show(Number(second.stdout.trim()))).toMatchObject({
      current_state: 'pending',
      waiting_for: 'concurrency',
    });
    const list = await runCli(['concurrency', ...DB], { env });
    expect(list.stdout).toBe('task:flow_control/sync_customer:["acme"]  1/1 running, 1 waiting\n');
  });
});
