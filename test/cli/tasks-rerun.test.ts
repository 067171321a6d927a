// `tasker tasks rerun` through the real CLI on a SQLite file: rerun a finished task from a step (downstream or not),
// the bulk form with --where and a dry run, and the refusals (no reason, a running task, a bad --where).
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

const handlers = {
  'Cli::FirstHandler': () => ({ n: 1 }),
  'Cli::SecondHandler': () => ({ n: 2 }),
  'Cli::ThirdHandler': () => ({ n: 3 }),
};

describe('tasker tasks rerun', () => {
  let dir: string;
  let db: string;
  const done: number[] = [];
  let pending = 0;

  const open = (concurrency: number) =>
    Tasker.open({ db, templates: [chain], handlers, logger: silentLogger(), concurrency });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cli-rerun-'));
    db = `sqlite:${join(dir, 'tasker.db')}`;
    const tasker = await open(4);
    try {
      for (let i = 0; i < 3; i++) done.push((await tasker.run({ namespace: 'cli', name: 'chain' })).task_id);
    } finally {
      await tasker.close();
    }
    const submitter = await open(0);
    try {
      pending = (await submitter.submit({ namespace: 'cli', name: 'chain' })).task_id;
    } finally {
      await submitter.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function task(id: number) {
    const tasker = await open(0);
    try {
      const t = (await tasker.getTask(id))!;
      return {
        run: t.run,
        state: t.current_state,
        steps: Object.fromEntries(t.workflow_steps.map((s) => [s.name, s.current_state])),
      };
    } finally {
      await tasker.close();
    }
  }

  it('reruns a completed task from a step and what is downstream of it, or the step alone', async () => {
    const res = await runCli(['tasks', 'rerun', String(done[0]), 'second', '--reason', 'fixed second', '--db', db]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`task ${done[0]}: rerun from second; run 2, task is running`);
    expect(await task(done[0]!)).toEqual({
      run: 2,
      state: 'running',
      steps: { first: 'completed', second: 'pending', third: 'pending' },
    });
    const alone = await runCli([
      'tasks',
      'rerun',
      String(done[1]),
      'second',
      '--no-downstream',
      '--reason',
      'x',
      '--db',
      db,
    ]);
    expect(alone.code, alone.stderr).toBe(0);
    expect((await task(done[1]!)).steps).toEqual({ first: 'completed', second: 'pending', third: 'completed' });
  });

  it('reruns in bulk with --where, counting first with --dry-run', async () => {
    const where = ['--where', 'namespace=cli,name=chain,state=completed', '--step', 'third'];
    const dry = await runCli(['tasks', 'rerun', ...where, '--dry-run', '--json', '--db', db]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ matched: 1, rerun: 0, task_ids: [done[2]], errors: [], dry_run: true });
    expect((await task(done[2]!)).run).toBe(1);
    const real = await runCli(['tasks', 'rerun', ...where, '--reason', 'third again', '--db', db]);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('1 task(s) matched; reran 1 from third');
    expect(await task(done[2]!)).toMatchObject({ run: 2, steps: { third: 'pending' } });
    const show = await runCli(['tasks', 'show', String(done[2]), '--db', db]);
    expect(show.stdout).toContain(`task ${done[2]} cli/chain@1.0.0: running (run 2)`);
  });

  it('refuses a missing reason, a running task and a bad --where, with exit code 2', async () => {
    const noReason = await runCli(['tasks', 'rerun', String(done[0]), 'first', '--db', db]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required');
    const running = await runCli(['tasks', 'rerun', String(pending), 'first', '--reason', 'r', '--db', db]);
    expect(running.code).toBe(2);
    expect(running.stderr).toContain(`cannot rerun task ${pending}: it is running`);
    const bad = await runCli(['tasks', 'rerun', '--where', 'colour=blue', '--step', 'x', '--dry-run', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--where: unknown key 'colour'");
    const both = await runCli(['tasks', 'rerun', '1', 'x', '--where', 'name=chain', '--step', 'x', '--db', db]);
    expect(both.code).toBe(2);
  });
});
