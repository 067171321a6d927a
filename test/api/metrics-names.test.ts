// Metric names and counting rules: process metrics carry the `tasker_` prefix once (`tasker_process_cpu_…`, not
// `tasker_process_process_cpu_…`), and `tasker_tasks_finished_total` counts a task again each time it ends after an
// operator retry (documented in docs/api.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDb, type TestDb } from '../support/stores.js';
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
    const labels = 'namespace="api",name="checkout"';
    expect(sample(text, `tasker_tasks_finished_total{${labels},outcome="failed"}`)).toBe(1);
    expect(sample(text, `tasker_tasks_finished_total{${labels},outcome="completed"}`)).toBe(1);
  });
});
