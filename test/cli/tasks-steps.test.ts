// `tasker tasks retry|resolve|skip <task> <step>` take the step's name within the task or its workflow step id,
// through the real CLI on a SQLite file; an unknown step is refused naming the step and the task.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { runCli } from './cli-runner.js';

const chain = defineTask({
  name: 'chain',
  namespace_name: 'cli',
  version: '1.0.0',
  module_namespace: 'Cli',
  step_templates: [
    { name: 'first' },
    { name: 'second', depends_on_step: 'first' },
    { name: 'third', depends_on_step: 'second' },
  ],
});

describe('tasker tasks operator commands', () => {
  let dir: string;
  let db: string;
  let taskId = 0;
  let steps: Record<string, number> = {};

  const open = () => Tasker.open({ db, templates: [chain], handlers: {}, logger: silentLogger(), concurrency: 0 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cli-tasks-'));
    db = `sqlite:${join(dir, 'tasker.db')}`;
    const tasker = await open();
    try {
      taskId = (await tasker.submit({ namespace: 'cli', name: 'chain' })).task_id;
      steps = Object.fromEntries(
        (await tasker.getTask(taskId))!.workflow_steps.map((s) => [s.name, s.workflow_step_id]),
      );
    } finally {
      await tasker.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function states(): Promise<Record<string, string>> {
    const tasker = await open();
    try {
      return Object.fromEntries((await tasker.getTask(taskId))!.workflow_steps.map((s) => [s.name, s.current_state]));
    } finally {
      await tasker.close();
    }
  }

  it('acts on a step named by name or by id', async () => {
    const byName = await runCli(['tasks', 'resolve', String(taskId), 'first', '--results', '{"ok":true}', '--db', db]);
    expect(byName.code, byName.stderr).toBe(0);
    const byId = await runCli(['tasks', 'skip', String(taskId), String(steps.second), '--db', db]);
    expect(byId.code, byId.stderr).toBe(0);
    expect(await states()).toMatchObject({ first: 'resolved_manually', second: 'skipped', third: 'pending' });
  });

  it('refuses an unknown step naming it and the task', async () => {
    const res = await runCli(['tasks', 'skip', String(taskId), 'fourth', '--db', db]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(`task ${taskId} has no step 'fourth'`);
    expect(res.stderr).toContain('third');
  });
});
