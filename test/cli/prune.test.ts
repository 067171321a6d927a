// `tasker prune` and `tasker worker --retention` through the real CLI on a SQLite file: a dry run counts and deletes
// nothing, a date before everything deletes nothing, ages delete the finished tasks (never the running one) in
// batches, and every bad value exits 2 naming the flag; a worker with a retention policy prunes what it finished.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { PermanentError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { startTasker } from '../telemetry/processes.js';
import { REPO, runCli } from './cli-runner.js';

const pair = defineTask({
  name: 'pair',
  namespace_name: 'cli',
  version: '1.0.0',
  module_namespace: 'Cli',
  schema: { type: 'object', properties: { fail: { type: 'boolean' } } },
  step_templates: [{ name: 'first' }, { name: 'second', depends_on_step: 'first' }],
});

const handlers = {
  'Cli::FirstHandler': (task: { context: { fail?: boolean } }) => {
    if (task.context.fail) throw new PermanentError('no');
    return { n: 1 };
  },
  'Cli::SecondHandler': () => ({ n: 2 }),
};

describe('tasker prune', () => {
  let dir: string;
  let db: string;
  let running = 0;

  const open = (concurrency: number) =>
    Tasker.open({ db, templates: [pair], handlers, logger: silentLogger(), concurrency });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cli-prune-'));
    db = `sqlite:${join(dir, 'tasker.db')}`;
    const tasker = await open(4);
    try {
      for (let i = 0; i < 3; i++) await tasker.run({ namespace: 'cli', name: 'pair' });
      await tasker.run({ namespace: 'cli', name: 'pair', context: { fail: true } });
    } finally {
      await tasker.close();
    }
    const submitter = await open(0);
    try {
      running = (await submitter.submit({ namespace: 'cli', name: 'pair' })).task_id;
    } finally {
      await submitter.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function states(): Promise<string[]> {
    const tasker = await open(0);
    try {
      return (await tasker.listTasks({ sort: 'task_id', order: 'asc' })).tasks.map((t) => t.current_state);
    } finally {
      await tasker.close();
    }
  }

  it('counts in a dry run, keeps everything finished after a cutoff date, then deletes in batches', async () => {
    const dry = await runCli(['prune', '--db', db, '--completed-before', '1h', '--failed-before', '1h', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^would delete 0 task\(s\) with 0 step\(s\); cutoffs: completed before \S+Z, failed before \S+Z\n$/,
    );
    const dryNow = await runCli([
      'prune',
      '--db',
      db,
      '--completed-before',
      '0s',
      '--failed-before',
      '0s',
      '--dry-run',
    ]);
    expect(dryNow.stdout).toMatch(/^would delete 4 task\(s\) \(completed 3, failed 1\) with 8 step\(s\); cutoffs: /);
    const old = await runCli(['prune', '--db', db, '--completed-before', '2000-01-01']);
    expect(old.stdout).toMatch(
      /^deleted 0 task\(s\): 0 step\(s\).*cutoffs: completed before 2000-01-01T00:00:00.000Z\n$/,
    );
    expect(await states()).toEqual(['completed', 'completed', 'completed', 'failed', 'running']);

    const res = await runCli(['prune', '--db', db, '--completed-before', '0s', '--batch-size', '2', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      dry_run: false,
      tasks: 3,
      tasks_by_state: { completed: 3 },
      steps: 6,
      step_edges: 3,
      batches: 2,
      more: false,
    });
    const failed = await runCli(['prune', '--db', db, '--failed-before', '0m', '--cancelled-before', '1d']);
    expect(failed.stdout).toMatch(/^deleted 1 task\(s\) \(failed 1\): 2 step\(s\), 1 edge\(s\), \d+ history row\(s\)/);
    expect(await states()).toEqual(['running']);
    expect(running).toBeGreaterThan(0);
  });

  it.each([
    [[], /prune needs at least one of --completed-before, --failed-before, --cancelled-before/],
    [
      ['--completed-before', '30'],
      /--completed-before must be a duration such as 30d, 12h or 90m, or an ISO date.*got '30'/,
    ],
    [['--failed-before', 'last week'], /--failed-before must be .*got 'last week'/],
    [['--cancelled-before', '2026-13-45'], /--cancelled-before must be .*got '2026-13-45'/],
    [['--completed-before', '1d', '--batch-size', '0'], /--batch-size must be between 1 and 10000, got 0/],
  ])('exits 2 for %j', async (args, message) => {
    const res = await runCli(['prune', '--db', db, ...args]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
  });
});

describe('tasker worker --retention', () => {
  it.each([
    ['complete=1d', /--retention: unknown key 'complete' \(keys: completed, failed, cancelled, interval, batch\)/],
    ['completed=1x', /--retention: completed must be a duration such as 30d, 12h or 90m, got '1x'/],
    ['interval=10m', /--retention needs at least one of completed=AGE, failed=AGE, cancelled=AGE/],
    ['failed=1d,interval=1s,batch=0', /--retention: batch must be a whole number from 1 to 10000, got '0'/],
    ['failed=1d,interval=100ms', /--retention: interval must be from 1s to 1w, got '100ms'/],
    ['failed=', /--retention: failed needs a value/],
  ])('exits 2 for %s', async (policy, message) => {
    const res = await runCli(['worker', '--db', 'sqlite::memory:', '--retention', policy]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('prunes the tasks it finished, as often as the interval says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasker-cli-retention-'));
    const db = `sqlite:${join(dir, 'tasker.db')}`;
    const templates = join(REPO, 'examples/config/tasker/tasks');
    const worker = startTasker(
      [
        'worker',
        ...['--db', db, '--templates', templates, '--handlers', join(REPO, 'examples/handlers/index.ts')],
        ...['--retention', 'completed=0s,interval=1s', '--log-level', 'info', '--log-format', 'json'],
      ],
      { TASKER_EXAMPLE_IO_SCALE: '0' },
    );
    try {
      await worker.waitFor(/running on/);
      const submitter = await Tasker.open({ db, templates: [templates], logger: silentLogger(), concurrency: 0 });
      try {
        const { task_id } = await submitter.submit({
          namespace: 'onboarding',
          name: 'user_onboarding',
          context: { email: 'ada@example.com' },
        });
        await worker.waitFor(/"msg":"retention: pruned finished tasks"/);
        expect(await submitter.getTask(task_id)).toBeNull();
      } finally {
        await submitter.close();
      }
      expect(await worker.stop()).toBe(0);
    } finally {
      worker.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
