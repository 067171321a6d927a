// Durability: a real `tasker run` process is SIGKILLed while a step is running; `tasker resume` on the same
// SQLite file finishes the task — the interrupted step is retried with its attempt counted, completed steps never rerun.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { sleep } from '../support/engine.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

const TEMPLATE = `---
name: job
namespace_name: crash
version: 1.0.0
task_handler_class: Crash::JobHandler
step_templates:
  - name: first
  - name: hang
    depends_on_step: first
  - name: last
    depends_on_step: hang
`;

const HANDLERS = `
import { appendFileSync } from 'node:fs';
const log = (name) => appendFileSync(process.env.CRASH_LOG, name + '\\n');
export default {
  'Crash::FirstHandler': async () => { log('first'); return { ok: 1 }; },
  'Crash::HangHandler': async () => {
    log('hang');
    if (process.env.HANG === '1') await new Promise(() => setInterval(() => {}, 1000));
    return { ok: 2 };
  },
  'Crash::LastHandler': async () => { log('last'); return { ok: 3 }; },
};
`;

function runCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe('crash and resume (SQLite, real processes)', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-crash-'));
    writeFileSync(join(dir, 'job.yaml'), TEMPLATE);
    writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries the step that was running at the crash and never reruns completed ones', async () => {
    const db = `sqlite:${join(dir, 'tasker.db')}`;
    const log = join(dir, 'executions.log');
    const common = ['--db', db, '--templates', join(dir, 'job.yaml'), '--handlers', join(dir, 'handlers.mjs')];
    const env = { CRASH_LOG: log, TASKER_LOG_LEVEL: 'silent' };
    const first = runCli(['run', 'crash/job', ...common, '--json'], { ...env, HANG: '1' });
    children.push(first.child);
    for (let i = 0; i < 600 && !(existsSync(log) && readFileSync(log, 'utf8').includes('hang')); i++) await sleep(50);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual(['first', 'hang']);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBe(null); // killed, not exited

    const resume = runCli(['resume', ...common, '--json'], { ...env, HANG: '0' });
    children.push(resume.child);
    const out = await resume.done;
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const tasks = JSON.parse(out.stdout);
    expect(tasks).toHaveLength(1);
    const task = tasks[0];
    expect(task.current_state).toBe('completed');
    const steps = Object.fromEntries(task.workflow_steps.map((s: { name: string }) => [s.name, s]));
    expect(steps.first.attempts).toBe(1);
    expect(steps.hang.attempts).toBe(2); // the crashed attempt counts
    expect(steps.last.attempts).toBe(1);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual(['first', 'hang', 'hang', 'last']);

    const store = await openStore(db, { logger: silentLogger() });
    try {
      const history = await store.getHistory(task.task_id, steps.hang.workflow_step_id);
      const reclaim = history.find((h) => h.from_state === 'running' && h.to_state === 'retrying');
      expect(reclaim).toBeDefined();
      expect(reclaim!.attempt).toBe(1);
    } finally {
      await store.close();
    }
  });
});
