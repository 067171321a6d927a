// Rate limits from the CLI on a SQLite file, with the flow-control examples: a run of charge_merchant (its handler
// reports a limit once: the step waits without spending an attempt), `rate-limits list` showing the template's
// declaration, `rate-limits set` overriding it, and the pointed errors for bad values.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-rate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DB = ['--db', `sqlite:${path.join(tmp, 'tasker.db')}`];
const H = ['--templates', 'examples/flow-control/tasks', '--handlers', 'examples/flow-control/handlers.ts'];
const env = { TASKER_EXAMPLE_IO_SCALE: '0' };

describe('rate limits from the CLI', () => {
  it(
    'runs a rate-limited charge, lists the declared limit and overrides it by hand',
    { timeout: 180_000 },
    async () => {
      expect((await runCli(['rate-limits', 'list', ...DB], { env })).stdout).toBe(
        'no rate limits (templates declare them when a worker starts)\n',
      );
      const context = '{"merchant_id":"m-42","amount":1200}';
      const run = await runCli(['run', 'flow_control/charge_merchant', ...H, ...DB, '--context', context, '--json'], {
        env,
      });
      expect(run.code, run.stderr).toBe(0);
      const task = JSON.parse(run.stdout);
      expect(task.current_state).toBe('completed');
      const charge = task.workflow_steps.find((s: { name: string }) => s.name === 'charge');
      expect(charge).toMatchObject({ current_state: 'completed', attempts: 1, results: { charged: 1200 } });
      const store = await openStore(DB[1]!);
      try {
        const history = await store.getHistory(task.task_id, charge.workflow_step_id);
        expect(history.map((h) => [h.from_state, h.to_state, h.reason])).toContainEqual([
          'running',
          'pending',
          'rate_limited',
        ]);
      } finally {
        await store.close();
      }

      const listed = await runCli(['rate-limits', 'list', ...DB, '--json'], { env });
      expect(JSON.parse(listed.stdout)).toEqual([
        expect.objectContaining({
          name: 'payment_gateway',
          limit: 100,
          period_ms: 60_000,
          burst: 10,
          source: 'template',
        }),
      ]);
      const set = await runCli(['rate-limits', 'set', 'payment_gateway', '--limit', '50', '--period', '1m', ...DB], {
        env,
      });
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/^rate limit payment_gateway\s+50 per 1m\s+operator\s+1 bucket\(s\), 0 waiting\n$/);
      const after = JSON.parse((await runCli(['rate-limits', 'list', ...DB, '--json'], { env })).stdout);
      expect(after).toEqual([
        expect.objectContaining({ name: 'payment_gateway', limit: 50, burst: 0, source: 'operator' }),
      ]);
    },
  );

  it('refuses a bad period, limit or name, naming it', { timeout: 120_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['api', '--limit', '10', '--period', 'soon'], /rate limit 'api': period must be a duration/],
      [['api', '--limit', 'ten', '--period', '1m'], /--limit must be a whole number, got 'ten'/],
      [['api', '--limit', '0', '--period', '1m'], /must be an integer from 1 to 1000000/],
      [['bad name', '--limit', '1', '--period', '1m'], /rate limit name 'bad name' may hold only letters/],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(['rate-limits', 'set', ...args, ...DB], { env });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });
});
