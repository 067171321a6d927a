// Rate limits across worker processes on the real PostgreSQL (flow control): two `tasker worker` processes share 60
// tasks whose step uses `gateway: { limit: 10, period: 1s, burst: 2 }`. From the stored history's 'claimed' times
// (the database clock), no half-open window of one period may hold more than limit + burst starts, and every task
// must complete. Invariants, not timings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LimitWorkers } from './limit-workers.js';
import { busiestWindow, leastSpan, span } from '../support/rate-windows.js';

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

describe('rate limits across worker processes on PostgreSQL', () => {
  let cluster: LimitWorkers;
  beforeEach(() => {
    cluster = new LimitWorkers({ 'rated_calls.yaml': TEMPLATES }, HANDLERS);
  });
  afterEach(() => cluster.cleanup());

  const startWorker = () => cluster.startWorker();
  const openSubmitter = () => cluster.openSubmitter();
  const runs = () => cluster.runs();

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
    // and the starts are spread as the refill rate demands (a bound on their times, not on the machine's speed)
    expect(span(starts)).toBeGreaterThanOrEqual(leastSpan(60, LIMIT, PERIOD, BURST));
    expect(runs().filter((r) => r.kind === 'start')).toHaveLength(60);
    expect(await tasker.listRateLimits()).toEqual([
      expect.objectContaining({ name: 'gateway', limit: LIMIT, burst: BURST, buckets: 1, waiting: 0 }),
    ]);
  });
});
