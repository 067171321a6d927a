// `tasker schedules list|pause|resume|trigger` through the real CLI on a SQLite file: the list (text and JSON), pause
// and resume recorded with the CLI's actor, a trigger with the example template creating a task with scheduled_for
// and no tick, and pointed errors for a bad or unknown schedule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { runCli } from './cli-runner.js';

const EXAMPLE = 'examples/flow-control';
const HOURLY = 'reports/sales_rollup/hourly_rollup';

describe('tasker schedules', () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cli-schedules-'));
    db = `sqlite:${join(dir, 'tasker.db')}`;
    // A process that runs steps records the schedules when it starts; one pass does the same here.
    const tasker = await Tasker.open({ db, templates: [EXAMPLE], logger: silentLogger(), start: false });
    try {
      await tasker.schedules.tick();
    } finally {
      await tasker.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const list = async () => {
    const res = await runCli(['schedules', 'list', '--json', '--db', db]);
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as Array<Record<string, unknown>>;
  };

  it('lists the schedules, as text and as JSON', async () => {
    const text = await runCli(['schedules', 'list', '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /reports\/sales_rollup\/hourly_rollup +0 \* \* \* \* Europe\/Paris +catch_up latest +next \S+Z; no tick yet/,
    );
    expect(text.stdout).toContain('reports/sales_rollup/nightly_rollup');
    expect((await list()).map((s) => [s.schedule, s.catch_up, s.paused])).toEqual([
      ['hourly_rollup', 'latest', false],
      ['nightly_rollup', 'all', false],
    ]);
  });

  it('pauses and resumes a schedule, recording the actor', async () => {
    const env = { USER: 'alice' };
    const paused = await runCli(['schedules', 'pause', HOURLY, '--db', db], { env });
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toBe(`schedule ${HOURLY} paused\n`);
    expect((await list())[0]).toMatchObject({ paused: true, paused_by: 'cli:alice', next_tick_at: null });
    expect((await runCli(['schedules', 'list', '--db', db])).stdout).toMatch(/hourly_rollup .* paused by cli:alice at/);
    const resumed = await runCli(['schedules', 'resume', HOURLY, '--db', db, '--json'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ schedule: 'hourly_rollup', paused: false });
  });

  it('triggers a task now with the template, taking no tick', async () => {
    const res = await runCli([
      'schedules',
      'trigger',
      HOURLY,
      '--templates',
      EXAMPLE,
      '--db',
      db,
      '--reason',
      'late data',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const { task_id, scheduled_for } = JSON.parse(res.stdout) as { task_id: number; scheduled_for: string };
    const shown = await runCli(['tasks', 'show', String(task_id), '--json', '--db', db]);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      namespace: 'reports',
      name: 'sales_rollup',
      scheduled_for,
      reason: 'late data',
      context: { window: '1h' },
    });
    expect((await list())[0]).toMatchObject({ last_tick_at: null, last_task_id: null });
  });

  it('refuses a bad or unknown schedule, saying what exists', async () => {
    const bad = await runCli(['schedules', 'pause', 'just-a-name', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "a schedule is namespace/template/schedule (e.g. reports/rollup/hourly_rollup), got 'just-a-name'",
    );
    const unknown = await runCli(['schedules', 'pause', 'reports/sales_rollup/weekly', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no schedule reports/sales_rollup/weekly in sqlite:');
    expect(unknown.stderr).toContain(`known schedules: ${HOURLY}, reports/sales_rollup/nightly_rollup`);
    const noTemplate = await runCli(['schedules', 'trigger', HOURLY, '--db', db]);
    expect(noTemplate.code).toBe(2);
    expect(noTemplate.stderr).toContain('no template registered in this process declares schedule');
  });
});
