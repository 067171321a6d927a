// Map fan-out over real HTTP on both stores: a task's JSON lists its mapped step once, with the instances grouped
// under it (`map`: size, counts by state, instances in item order, each with its map_index); an instance is found by
// id or by its name (`fan[1]`) on the step routes; the template route shows what a step maps over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

const fanTemplate = defineTask({
  name: 'fan',
  namespace_name: 'mapapi',
  version: '1.0.0',
  module_namespace: 'MapApi',
  step_templates: [
    { name: 'list' },
    { name: 'fan', depends_on_step: 'list', map: { over: 'list.results.items', max_parallel: 4 } },
  ],
});

describe.each(STORE_KINDS)('map fan-out over the API on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    api = await startApi(db, {
      templates: [fanTemplate],
      handlers: {
        'MapApi::ListHandler': (task: { context: { n: number } }) => ({
          items: Array.from({ length: task.context.n }, (_, i) => `item-${i}`),
        }),
        'MapApi::FanHandler': (_t: unknown, _s: unknown, step: { item: string; index: number }) => ({
          upper: step.item.toUpperCase(),
          index: step.index,
        }),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it("groups a map's instances under their step in the task JSON and finds one by name", async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: { namespace: 'mapapi', name: 'fan', context: { n: 3 } },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.task_id as number;
    const task = (await waitForTaskOverHttp(api.base, id)).json;
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps.map((s: { name: string }) => s.name)).toEqual(['list', 'fan']);
    const fan = task.workflow_steps[1];
    expect(fan.results).toEqual([
      { upper: 'ITEM-0', index: 0 },
      { upper: 'ITEM-1', index: 1 },
      { upper: 'ITEM-2', index: 2 },
    ]);
    expect(fan.map).toMatchObject({ size: 3, counts: { completed: 3 } });
    expect(fan.map.instances.map((i: { name: string; map_index: number }) => [i.name, i.map_index])).toEqual([
      ['fan[0]', 0],
      ['fan[1]', 1],
      ['fan[2]', 2],
    ]);

    const list = await call(api.base, 'GET', `/tasks/${id}/workflow_steps`);
    expect(list.json.workflow_steps).toEqual(task.workflow_steps);

    const byName = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${encodeURIComponent('fan[1]')}`);
    expect(byName.status, byName.text).toBe(200);
    expect(byName.json).toMatchObject({ name: 'fan[1]', map_index: 1, results: { upper: 'ITEM-1', index: 1 } });
    const byId = await call(api.base, 'GET', `/tasks/${id}/workflow_steps/${fan.map.instances[2].workflow_step_id}`);
    expect(byId.json).toMatchObject({ name: 'fan[2]', map_index: 2 });
    expect(byId.json.attempt_history.map((a: { outcome: string }) => a.outcome)).toEqual(['completed']);
  });

  it('shows what a step maps over in the template', async () => {
    const res = await call(api.base, 'GET', '/handlers/mapapi/fan');
    expect(res.status, res.text).toBe(200);
    const steps = Object.fromEntries(
      res.json.step_templates.map((s: { name: string; map: unknown }) => [s.name, s.map]),
    );
    expect(steps).toEqual({ list: null, fan: { over: 'list.results.items', max_parallel: 4 } });
  });
});
