// Map fan-out across worker processes on the real PostgreSQL: two `tasker worker` processes share the instances of
// three mapped steps (40 items each, max_parallel 6). Every handler run logs "start|end charge:<task>:<index>:<pid>
// <task> <time>"; from those logs every item ran exactly once, both processes ran instances, and no task ever had
// more than six instances in progress at once; each task's summary read its results as one array in item order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LimitWorkers, type Run } from './limit-workers.js';

const TEMPLATES = `---
name: order_lines
namespace_name: mapcluster
version: 1.0.0
module_namespace: MapCluster
step_templates:
  - name: load_order
  - name: charge_line_item
    depends_on_step: load_order
    map:
      over: load_order.results.line_items
      max_parallel: 6
  - name: summarize
    depends_on_step: charge_line_item
---
`;

const HANDLERS = `
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
const file = process.env.LIMITS_LOG_DIR + '/' + process.pid + '.log';
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
export const handlers = {
  'MapCluster::LoadOrderHandler': (task) => ({
    line_items: Array.from({ length: task.context.n }, (_, i) => ({ sku: 'sku-' + i })),
  }),
  'MapCluster::ChargeLineItemHandler': async (task, _seq, step) => {
    const key = ['charge', task.task_id, step.index, process.pid].join(':');
    appendFileSync(file, ['start', key, task.task_id, now()].join(' ') + '\\n');
    await sleep(10 + (step.index % 3) * 5);
    appendFileSync(file, ['end', key, task.task_id, now()].join(' ') + '\\n');
    return { sku: step.item.sku, by: step.name };
  },
  'MapCluster::SummarizeHandler': (_task, seq) => ({ charged: seq.findStepByName('charge_line_item').results }),
};
`;

/** The most instances of each task in progress at once (an end at the same instant goes first). */
function peaksByTask(runs: Run[]): Map<number, number> {
  const sorted = [...runs].sort((a, b) => a.at - b.at || (a.kind === 'end' ? -1 : 1));
  const live = new Map<number, number>();
  const peak = new Map<number, number>();
  for (const r of sorted) {
    const n = (live.get(r.task) ?? 0) + (r.kind === 'start' ? 1 : -1);
    live.set(r.task, n);
    peak.set(r.task, Math.max(peak.get(r.task) ?? 0, n));
  }
  return peak;
}

describe('map fan-out across worker processes on PostgreSQL', () => {
  let cluster: LimitWorkers;
  beforeEach(() => {
    cluster = new LimitWorkers({ 'order_lines.yaml': TEMPLATES }, HANDLERS);
  });
  afterEach(() => cluster.cleanup());

  it('runs every item once across both workers, at most max_parallel at once per task, results in order', async () => {
    const tasker = await cluster.openSubmitter();
    await Promise.all([cluster.startWorker(), cluster.startWorker()]);
    const created = await tasker.submitMany(
      Array.from({ length: 3 }, () => ({ namespace: 'mapcluster', name: 'order_lines', context: { n: 40 } })),
    );
    const expected = Array.from({ length: 40 }, (_, i) => ({ sku: `sku-${i}`, by: 'charge_line_item' }));
    for (const { task_id } of created) {
      const done = await tasker.waitForTask(task_id, { timeoutMs: 120_000, pollMs: 200 });
      expect(done.current_state).toBe('completed');
      const summary = done.workflow_steps.find((s) => s.name === 'summarize')!;
      expect(summary.results).toEqual({ charged: expected });
      expect(done.workflow_steps.find((s) => s.name === 'charge_line_item')!.map).toMatchObject({
        size: 40,
        counts: { completed: 40 },
      });
    }
    const starts = cluster.runs().filter((r) => r.kind === 'start');
    expect(starts).toHaveLength(120);
    const items = starts.map((r) => r.key.split(':'));
    for (const { task_id } of created) {
      const indexes = items.filter((k) => Number(k[1]) === task_id).map((k) => Number(k[2]));
      expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    }
    expect(new Set(items.map((k) => k[3])).size).toBe(2);
    const peaks = peaksByTask(cluster.runs());
    expect(peaks.size).toBe(3);
    for (const peak of peaks.values()) expect(peak).toBeLessThanOrEqual(6);
    expect(Math.max(...peaks.values())).toBeGreaterThan(1);
  });
});
