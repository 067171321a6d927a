// Concurrency limits across worker processes on the real PostgreSQL (flow control): two `tasker worker` processes
// share 200 tasks over 20 keys with `limit: 1`, and 100 tasks whose step has `limit: 5`. Every handler logs when it
// starts and ends (the machine's clock, sub-millisecond); from those logs, the most runs of one key (or of the step)
// ever in progress at once must never exceed the limit, and every task must complete. Invariants, not timings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LimitWorkers, type Run } from './limit-workers.js';

const TEMPLATES = `---
name: per_customer
namespace_name: limits
version: 1.0.0
module_namespace: Limits
concurrency:
  key: context.customer_id
  limit: 1
step_templates:
  - name: sync_customer
---
`;
const STEP_TEMPLATE = `---
name: gateway_calls
namespace_name: limits
version: 1.0.0
module_namespace: Limits
step_templates:
  - name: prepare
  - name: call_gateway
    depends_on_step: prepare
    concurrency:
      limit: 5
`;

// Each run logs "start|end <group> <task> <time>"; the time is the epoch in ms with a fraction (performance.now()
// over the process's time origin), comparable across processes on one machine.
const HANDLERS = `
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
const file = process.env.LIMITS_LOG_DIR + '/' + process.pid + '.log';
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
const logged = (group) => async (task) => {
  const key = group === 'customer' ? 'customer:' + task.context.customer_id : group;
  appendFileSync(file, ['start', key, task.task_id, now()].join(' ') + '\\n');
  await sleep(15 + (task.task_id % 4) * 5);
  appendFileSync(file, ['end', key, task.task_id, now()].join(' ') + '\\n');
  return { ok: true };
};
export const handlers = {
  'Limits::SyncCustomerHandler': logged('customer'),
  'Limits::PrepareHandler': async () => ({ ok: true }),
  'Limits::CallGatewayHandler': logged('gateway'),
};
`;

/** The most runs of each key in progress at once, from the start/end logs (an end at the same instant goes first). */
function peaks(runs: Run[]): Map<string, number> {
  const sorted = [...runs].sort((a, b) => a.at - b.at || (a.kind === 'end' ? -1 : 1));
  const live = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const r of sorted) {
    const n = (live.get(r.key) ?? 0) + (r.kind === 'start' ? 1 : -1);
    live.set(r.key, n);
    peak.set(r.key, Math.max(peak.get(r.key) ?? 0, n));
  }
  return peak;
}

describe('concurrency limits across worker processes on PostgreSQL', () => {
  let cluster: LimitWorkers;
  beforeEach(() => {
    cluster = new LimitWorkers({ 'per_customer.yaml': TEMPLATES, 'gateway_calls.yaml': STEP_TEMPLATE }, HANDLERS);
  });
  afterEach(() => cluster.cleanup());

  const startWorker = () => cluster.startWorker();
  const openSubmitter = () => cluster.openSubmitter();
  const runs = () => cluster.runs();

  it('never runs two tasks of one key at once (limit 1, 20 keys, 200 tasks), and completes them all', async () => {
    const tasker = await openSubmitter();
    await Promise.all([startWorker(), startWorker()]);
    const requests = Array.from({ length: 200 }, (_, i) => ({
      namespace: 'limits',
      name: 'per_customer',
      context: { customer_id: `c${i % 20}` },
    }));
    const created = [
      ...(await tasker.submitMany(requests.slice(0, 100))),
      ...(await tasker.submitMany(requests.slice(100))),
    ];
    for (const { task_id } of created) {
      expect((await tasker.waitForTask(task_id, { timeoutMs: 120_000, pollMs: 200 })).current_state).toBe('completed');
    }
    const log = runs();
    expect(log.filter((r) => r.kind === 'start')).toHaveLength(200);
    const peak = peaks(log);
    expect(peak.size).toBe(20);
    expect(Math.max(...peak.values())).toBe(1);
    expect(await tasker.store.concurrencyGroups()).toHaveLength(20);
    for (const g of await tasker.store.concurrencyGroups())
      expect(g).toMatchObject({ limit: 1, running: 0, waiting: 0 });
  });

  it('never runs more than five attempts of a limited step at once across both workers', async () => {
    const tasker = await openSubmitter();
    await Promise.all([startWorker(), startWorker()]);
    const created = await tasker.submitMany(
      Array.from({ length: 100 }, () => ({ namespace: 'limits', name: 'gateway_calls' })),
    );
    for (const { task_id } of created) {
      expect((await tasker.waitForTask(task_id, { timeoutMs: 120_000, pollMs: 200 })).current_state).toBe('completed');
    }
    const log = runs();
    expect(log.filter((r) => r.kind === 'start')).toHaveLength(100);
    const peak = peaks(log).get('gateway')!;
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBeGreaterThan(1); // the limit, not a lack of work, kept it there
    expect(await tasker.store.concurrencyGroups()).toEqual([
      { key: 'step:limits/gateway_calls/call_gateway', limit: 5, running: 0, waiting: 0 },
    ]);
  });
});
