// Metric names and counting rules: the settled names and labels of the engine's metrics, each listed in
// docs/observability.md (and nothing listed there missing); process metrics carry the `tasker_` prefix once
// (`tasker_process_cpu_…`, not `tasker_process_process_cpu_…`), and `tasker_tasks_finished_total` counts a task
// again each time it ends after an operator retry (documented in docs/api.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { TaskerMetrics } from '../../src/api/metrics.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

function metricNames(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .map((l) => l.split(' ')[2]!),
    ),
  ];
}

/** Every metric, its type and its labels (the settled names: changing one is a breaking change for dashboards). */
const ENGINE_METRICS: Record<string, [type: string, labels: string[]]> = {
  tasker_tasks_started_total: ['counter', ['namespace', 'task']],
  tasker_tasks_finished_total: ['counter', ['namespace', 'task', 'state']],
  tasker_task_duration_seconds: ['histogram', ['namespace', 'task', 'state']],
  tasker_steps_total: ['counter', ['namespace', 'task', 'step', 'state']],
  tasker_step_retries_total: ['counter', ['namespace', 'task', 'step', 'error_class']],
  tasker_step_failures_total: ['counter', ['namespace', 'task', 'step', 'error_class']],
  tasker_step_duration_seconds: ['histogram', ['namespace', 'task', 'step']],
  tasker_step_queue_lag_seconds: ['histogram', ['namespace', 'task']],
  tasker_claim_batch_size: ['histogram', []],
  tasker_completion_batch_size: ['histogram', []],
  tasker_completion_batch_duration_seconds: ['histogram', []],
  tasker_lease_extensions_total: ['counter', []],
  tasker_leases_lost_total: ['counter', []],
  tasker_step_reclaims_total: ['counter', ['state']],
  tasker_http_requests_total: ['counter', ['method', 'route', 'status']],
  tasker_tasks: ['gauge', ['state']],
  tasker_steps: ['gauge', ['state']],
  tasker_store_counts_estimated: ['gauge', []],
  tasker_ready_steps: ['gauge', []],
  tasker_oldest_ready_step_age_seconds: ['gauge', []],
  tasker_steps_waiting_for_worker: ['gauge', []],
  tasker_workers: ['gauge', []],
};

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/observability.md'), 'utf8');

function sample(text: string, key: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${key} `));
  return line === undefined ? undefined : Number(line.slice(key.length + 1));
}

describe('metric names', () => {
  let db: TestDb;
  let api: ApiHarness;
  const controls = new Controls();

  beforeAll(async () => {
    db = sqliteDb();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('names Node.js process metrics tasker_process_* and tasker_nodejs_*, never tasker_process_process_*', async () => {
    const names = metricNames(await (await fetch(`${api.base}/metrics`)).text());
    expect(names.filter((n) => n.startsWith('tasker_process_process_'))).toEqual([]);
    expect(names).toContain('tasker_process_cpu_user_seconds_total');
    expect(names).toContain('tasker_process_start_time_seconds');
    expect(names.some((n) => n.startsWith('tasker_nodejs_'))).toBe(true);
    expect(names.filter((n) => !n.startsWith('tasker_'))).toEqual([]);
  });

  it('has the settled names, types and labels, each documented in docs/observability.md', async () => {
    // The metrics an API server serves: the engine's, with its HTTP counter turned on.
    const metrics = new TaskerMetrics(api.tasker).enableHttp();
    const { registry } = metrics;
    const json = await registry.getMetricsAsJSON();
    metrics.close();
    const engine = json.filter((m) => !/^tasker_(process|nodejs)_/.test(m.name));
    expect(engine.map((m) => m.name).sort()).toEqual(Object.keys(ENGINE_METRICS).sort());
    const section = DOC.slice(DOC.indexOf('## Metrics'));
    for (const m of engine) {
      const [type, labels] = ENGINE_METRICS[m.name]!;
      expect(m.type, m.name).toBe(type);
      // prom-client keeps the declared label names on the metric object
      const declared = (registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames;
      expect(declared, m.name).toEqual(labels);
      const row = section.split('\n').find((l) => l.startsWith(`| \`${m.name}\``));
      expect(row, `docs/observability.md lists ${m.name}`).toBeDefined();
      expect(row).toContain(`| ${type} |`);
      for (const l of labels) expect(row, `${m.name} documents label ${l}`).toContain(l);
    }
    // and the docs list no metric that does not exist
    const documented = [...section.matchAll(/^\| `(tasker_[a-z_]+)`/gm)].map((x) => x[1]!);
    expect(documented.filter((n) => !(n in ENGINE_METRICS))).toEqual([]);
  });

  it('counts a task in tasker_tasks_finished_total each time it ends, also after an operator retry', async () => {
    const id = (
      await call(api.base, 'POST', '/tasks', {
        body: { namespace: 'api', name: 'checkout', context: { order_id: 3, fail_steps: ['charge'] } },
      })
    ).json.task_id as number;
    const failed = (await waitForTaskOverHttp(api.base, id)).json;
    expect(failed.current_state).toBe('failed');
    controls.healed.add(id);
    const charge = failed.workflow_steps.find((s: { name: string }) => s.name === 'charge').workflow_step_id;
    expect((await call(api.base, 'POST', `/tasks/${id}/workflow_steps/${charge}/retry`)).status).toBe(200);
    expect((await waitForTaskOverHttp(api.base, id)).json.current_state).toBe('completed');
    await api.tasker.idle();
    const text = await (await fetch(`${api.base}/metrics`)).text();
    const labels = 'namespace="api",task="checkout"';
    expect(sample(text, `tasker_tasks_finished_total{${labels},state="failed"}`)).toBe(1);
    expect(sample(text, `tasker_tasks_finished_total{${labels},state="completed"}`)).toBe(1);
    expect(sample(text, `tasker_task_duration_seconds_count{${labels},state="failed"}`)).toBe(1);
    expect(sample(text, `tasker_task_duration_seconds_count{${labels},state="completed"}`)).toBe(1);
  });
});
