// Rate limits across worker processes on the real PostgreSQL (flow control): two `tasker worker` processes share 60
// tasks whose step uses `gateway: { limit: 10, period: 1s, burst: 2 }`. From the stored history's 'claimed' times
// (the database clock), no half-open window of one period may hold more than limit + burst starts, and every task
// must complete. Invariants, not timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { postgresDb, type TestDb } from '../support/stores.js';
import { busiestWindow } from '../support/rate-windows.js';

const LIMIT = 10;
const BURST = 2;
const PERIOD = 1_000;

const TEMPLATES = `---
name: rated_calls
namespace_name: limits
version: 1.0.0
module_namespace: Limits
rate_limits:
  gateway: { limit: ${LIMIT}, period: 1s, burst: ${BURST} }
step_templates:
  - name: prepare
  - name: call_gateway
    depends_on_step: prepare
    rate_limit: gateway
`;

// Each run logs "start <group> <task> <time>" (which process ran what).
const HANDLERS = `
import { appendFileSync } from 'node:fs';
const file = process.env.LIMITS_LOG_DIR + '/' + process.pid + '.log';
export const handlers = {
  'Limits::PrepareHandler': async () => ({ ok: true }),
  'Limits::CallGatewayHandler': async (task) => {
    appendFileSync(file, ['start', 'gateway', task.task_id, Date.now()].join(' ') + '\\n');
    return { ok: true };
  },
};
`;

interface Run {
  kind: 'start' | 'end';
  key: string;
  task: number;
  at: number;
}

describe('rate limits across worker processes on PostgreSQL', () => {
  let db: TestDb;
  let dir: string;
  let submitter: Tasker | undefined;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    db = postgresDb();
    dir = mkdtempSync(join(tmpdir(), 'tasker-rates-'));
    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'rated_calls.yaml'), TEMPLATES);
    writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
  });
  afterEach(async () => {
    await submitter?.close();
    submitter = undefined;
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await db.cleanup();
  });

  async function startWorker(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'worker',
        '--db',
        db.url,
        '--templates',
        join(dir, 'templates'),
        '--handlers',
        join(dir, 'handlers.mjs'),
        '--concurrency',
        '10',
        '--log-level',
        'info',
      ],
      { env: { ...process.env, LIMITS_LOG_DIR: join(dir, 'logs') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    for (let i = 0; i < 1200 && !out.includes('running on'); i++) {
      if (child.exitCode !== null) throw new Error(`worker exited early (${child.exitCode}):\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!out.includes('running on')) throw new Error(`worker did not start:\n${out}`);
  }

  function runs(): Run[] {
    const out: Run[] = [];
    for (const f of readdirSync(join(dir, 'logs'))) {
      for (const line of readFileSync(join(dir, 'logs', f), 'utf8').split('\n')) {
        const [kind, key, task, at] = line.split(' ');
        if (kind === 'start' || kind === 'end') out.push({ kind, key: key!, task: Number(task), at: Number(at) });
      }
    }
    return out;
  }

  async function openSubmitter(): Promise<Tasker> {
    submitter = await Tasker.open({
      db: db.url,
      logger: silentLogger(),
      templates: [join(dir, 'templates')],
      concurrency: 0,
      start: false,
    });
    return submitter;
  }

  it('never starts more than limit + burst calls in one period across both workers, and completes every task', async () => {
    const tasker = await openSubmitter();
    await Promise.all([startWorker(), startWorker()]);
    const created = await tasker.submitMany(
      Array.from({ length: 60 }, () => ({ namespace: 'limits', name: 'rated_calls' })),
    );
    const starts: number[] = [];
    for (const { task_id } of created) {
      expect((await tasker.waitForTask(task_id, { timeoutMs: 120_000, pollMs: 200 })).current_state).toBe('completed');
      const history = await tasker.getHistory(task_id);
      starts.push(...history.filter((h) => h.step_name === 'call_gateway' && h.reason === 'claimed').map((h) => h.at));
    }
    expect(starts).toHaveLength(60);
    const busiest = busiestWindow(starts, PERIOD);
    expect(busiest).toBeLessThanOrEqual(LIMIT + BURST);
    expect(busiest).toBeGreaterThanOrEqual(LIMIT); // the limit, not a lack of work, kept it there
    expect(runs().filter((r) => r.kind === 'start')).toHaveLength(60);
    expect(await tasker.listRateLimits()).toEqual([
      expect.objectContaining({ name: 'gateway', limit: LIMIT, burst: BURST, buckets: 1, waiting: 0 }),
    ]);
  });
});
