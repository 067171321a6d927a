// `tasker signal` and `tasker signals` on a SQLite file, with the approval example (examples/approval) run by an
// engine in this process: a signal by idempotency key kept until the step waits, a repeated --signal-id delivered
// once, a signal waking a parked step, the task completing with the payload, and the pointed refusals (an undeclared
// signal, a payload that is not JSON, the task's template not loaded, a finished task, an unknown task or key).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { runCli, startCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-signal-'));
const URL = `sqlite:${path.join(tmp, 'tasker.db')}`;
const DB = ['--db', URL];
const T = ['--templates', 'examples/approval/tasks'];
const env = { TASKER_EXAMPLE_IO_SCALE: '0' };
const context = { expense_id: '7', amount: 120, requester: 'ada' };

describe('tasker signal with the approval example', () => {
  let tasker: Tasker;
  const previousScale = process.env.TASKER_EXAMPLE_IO_SCALE;

  beforeAll(async () => {
    process.env.TASKER_EXAMPLE_IO_SCALE = '0';
    tasker = await Tasker.open({
      db: URL,
      templates: ['examples/approval/tasks'],
      handlers: 'examples/approval/handlers.ts',
      logger: silentLogger(),
      pollIntervalMs: 50,
      start: false,
    });
  });
  afterAll(async () => {
    await tasker?.close();
    if (previousScale === undefined) delete process.env.TASKER_EXAMPLE_IO_SCALE;
    else process.env.TASKER_EXAMPLE_IO_SCALE = previousScale;
    rmSync(tmp, { recursive: true, force: true });
  });

  const stepOf = async (id: number, name: string) =>
    (await tasker.getTask(id))!.workflow_steps.find((s) => s.name === name)!;

  it(
    'keeps a signal sent by idempotency key before the step waits, once per --signal-id',
    { timeout: 120_000 },
    async () => {
      // Not started yet: nothing runs, so the signals arrive before manager_approval waits.
      const { task_id } = await tasker.submit({
        namespace: 'approvals',
        name: 'expense_approval',
        context,
        idempotency_key: 'expense-7',
      });
      const key = ['signal', '--idempotency-key', 'expense-7', 'approval', ...T, ...DB];
      const sent = await runCli(
        [...key, '--payload', '{"approved":true,"by":"grace"}', '--signal-id', 's1', '--json'],
        {
          env,
        },
      );
      expect(sent.code, sent.stderr).toBe(0);
      const receipt = JSON.parse(sent.stdout);
      expect(receipt).toEqual({ task_id, name: 'approval', signal_id: expect.any(Number), delivered: true, woke: 0 });
      const again = await runCli([...key, '--payload', '{"approved":false}', '--signal-id', 's1'], { env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe(
        `task ${task_id}: signal approval with --signal-id s1 was sent before (signal ${receipt.signal_id}); nothing changed\n`,
      );
      const kept = await runCli(['signals', String(task_id), ...DB], { env });
      expect(kept.stdout).toMatch(
        new RegExp(
          `^\\s+${receipt.signal_id}  approval \\(--signal-id s1\\)  received \\S+ from cli:\\S+; not consumed yet\\n`,
        ),
      );
      expect(kept.stdout).toContain('payload {"approved":true,"by":"grace"}');

      await tasker.start();
      const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
      expect(done.current_state).toBe('completed');
      expect(done.workflow_steps.find((s) => s.name === 'manager_approval')!.results).toEqual({
        approved: true,
        by: 'grace',
      });
      expect(done.workflow_steps.find((s) => s.name === 'cooling_off')!.results).toEqual({
        waited_until: expect.any(String),
      });
      expect(done.workflow_steps.find((s) => s.name === 'pay_out')!.results).toMatchObject({
        paid: true,
        amount: 120,
        approved_by: 'grace',
      });
      const listed = (await tasker.store.dynamic.listSignals(task_id)).map((s) => s.consumed_step_id);
      expect(listed).toEqual([done.workflow_steps.find((s) => s.name === 'manager_approval')!.workflow_step_id]);

      const late = await runCli(['signal', String(task_id), 'approval', ...T, ...DB], { env });
      expect(late.code).toBe(2);
      expect(late.stderr).toBe(`tasker: task ${task_id} is completed; a finished task takes no signal\n`);
    },
  );

  it(
    'wakes a parked step; a rejection flows to pay_out; refusals name what is wrong',
    { timeout: 120_000 },
    async () => {
      const { task_id } = await tasker.submit({ namespace: 'approvals', name: 'expense_approval', context });
      for (let i = 0; i < 800 && (await stepOf(task_id, 'manager_approval')).waiting_for !== 'signal'; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const shown = await runCli(['tasks', 'show', String(task_id), ...DB], { env });
      expect(shown.stdout).toMatch(/manager_approval\s+pending\s+attempts 0\/1\s+waiting for signal\n/);

      const typo = await runCli(['signal', String(task_id), 'aproval', ...T, ...DB], { env });
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain(
        "template approvals/expense_approval@1.0.0 declares no step waiting for signal 'aproval'; it waits for: approval",
      );
      const notJson = await runCli([
        'signal',
        String(task_id),
        'approval',
        '--payload',
        '{approved:true}',
        ...T,
        ...DB,
      ]);
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toMatch(/^tasker: --payload is not valid JSON: .*position 1/);
      const noTemplates = await runCli(['signal', String(task_id), 'approval', ...DB], { env });
      expect(noTemplates.code).toBe(2);
      expect(noTemplates.stderr).toContain(
        `task ${task_id} runs approvals/expense_approval@1.0.0, which the templates loaded here (none) do not include`,
      );
      const unknown = await runCli(['signal', '987654', 'approval', ...T, ...DB], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('task 987654 does not exist');
      const noKey = await runCli(['signal', '--idempotency-key', 'nope', 'approval', ...T, ...DB], { env });
      expect(noKey.code).toBe(2);
      expect(noKey.stderr).toContain("no task was submitted with idempotency key 'nope'");
      expect((await stepOf(task_id, 'manager_approval')).waiting_for).toBe('signal');

      const sent = await runCli(
        ['signal', String(task_id), 'approval', '--payload', '{"approved":false,"by":"grace"}', ...T, ...DB],
        { env },
      );
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toMatch(
        new RegExp(`^task ${task_id}: signal approval delivered \\(signal \\d+\\); 1 waiting step\\(s\\) woken\\n$`),
      );
      const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
      expect(done.current_state).toBe('completed');
      expect(done.workflow_steps.find((s) => s.name === 'pay_out')!.results).toEqual({
        paid: false,
        rejected_by: 'grace',
        note: null,
      });
    },
  );

  it('refuses bad arguments before opening anything', async () => {
    const both = await runCli(['signal', '12', 'approval', '--idempotency-key', 'k', ...DB]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('with --idempotency-key give only the signal name');
    const one = await runCli(['signal', 'approval', ...DB]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('tasker signal needs <task_id> <name>');
  });
});

describe('tasker run with a step that waits for a signal', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tasker-cli-run-wait-'));
  const db = ['--db', `sqlite:${path.join(dir, 'tasker.db')}`];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the step waiting for its signal, then runs the task to its end', { timeout: 120_000 }, async () => {
    const run = startCli(
      [
        'run',
        'approvals/expense_approval',
        ...T,
        '--handlers',
        'examples/approval/handlers.ts',
        '--idempotency-key',
        'expense-9',
        '--context',
        JSON.stringify({ expense_id: '9', amount: 40 }),
        ...db,
      ],
      { env, timeoutMs: 100_000 },
    );
    // Without a TTY one line per step event: the park is its own line, saying what the step waits for until when.
    await run.stdoutMatches(/manager_approval: waiting \(attempt 1\) — waiting for signal 'approval' \(until \S+Z\)\n/);
    const sent = await runCli(
      [
        'signal',
        '--idempotency-key',
        'expense-9',
        'approval',
        '--payload',
        '{"approved":true,"by":"grace"}',
        ...T,
        ...db,
      ],
      { env },
    );
    expect(sent.code, sent.stderr).toBe(0);
    const out = await run.result;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/cooling_off: waiting \(attempt 1\) — waiting for its timer \(until \S+Z\)\n/);
    expect(out.stdout).toMatch(/manager_approval: completed \(attempt 1\)/);
    expect(out.stdout).toMatch(/approvals\/expense_approval@1\.0\.0: task \d+ completed\n$/);
  });
});
