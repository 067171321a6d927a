// Handler catalogue, health, status, metrics and the OpenAPI document over real HTTP on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { register as globalRegistry } from 'prom-client';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, expectError, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/** `name{labels} value` lines of a Prometheus text page, keyed by everything before the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The sum of every series whose key starts with `prefix` (a metric and some of its labels). */
function total(m: Map<string, number>, prefix: string): number {
  let sum = 0;
  for (const [k, v] of m) if (k.startsWith(prefix)) sum += v;
  return sum;
}

describe.each(STORE_KINDS)('catalogue, health, metrics and OpenAPI on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(new Controls()) }, { concurrency: 10 });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('lists namespaces, templates with versions, and one template with its dependency graph', async () => {
    const namespaces = await call(api.base, 'GET', '/handlers');
    expect(namespaces.json).toEqual({
      namespaces: [
        { name: 'api', template_count: 3 },
        { name: 'ops', template_count: 1 },
      ],
    });
    const ns = await call(api.base, 'GET', '/handlers/api');
    expect(ns.json).toEqual({
      namespace: 'api',
      templates: [
        {
          name: 'checkout',
          versions: ['1.0.0', '2.0.0'],
          latest_version: '2.0.0',
          description: 'reserve, charge, ship, notify',
        },
        { name: 'fanout', versions: ['1.0.0'], latest_version: '1.0.0', description: null },
      ],
    });
    const fan = await call(api.base, 'GET', '/handlers/api/fanout');
    expect(fan.status).toBe(200);
    expect(fan.json.dependency_graph).toEqual({
      nodes: ['start', 'left', 'right', 'join'],
      edges: [
        { from: 'start', to: 'left' },
        { from: 'start', to: 'right' },
        { from: 'left', to: 'join' },
        { from: 'right', to: 'join' },
      ],
      levels: [['start'], ['left', 'right'], ['join']],
    });
    expect(fan.json.step_templates[1]).toMatchObject({
      name: 'left',
      handler_class: 'Fanout::LeftHandler',
      depends_on: ['start'],
      default_retry_limit: 1,
    });
    const v1 = await call(api.base, 'GET', '/handlers/api/checkout?version=1.0.0');
    expect(v1.json).toMatchObject({
      version: '1.0.0',
      versions: ['1.0.0', '2.0.0'],
      context_schema: { required: ['order_id'] },
    });
    expect(v1.json.step_templates.map((s: { name: string }) => s.name)).toEqual(['reserve', 'charge', 'ship']);
    const latest = await call(api.base, 'GET', '/handlers/api/checkout');
    expect(latest.json.version).toBe('2.0.0');
  });

  it('answers 404 for unknown namespaces, templates and versions, and 400 for unknown query fields', async () => {
    expectError(await call(api.base, 'GET', '/handlers/nowhere'), 404, 'not_found');
    expectError(await call(api.base, 'GET', '/handlers/api/nothing'), 404, 'not_found');
    const version = await call(api.base, 'GET', '/handlers/api/checkout?version=3.0.0');
    expectError(version, 404, 'not_found');
    expect(version.json.error.message).toContain('1.0.0, 2.0.0');
    expectError(await call(api.base, 'GET', '/handlers/api/checkout?v=1'), 400, 'invalid_request');
    expectError(await call(api.base, 'GET', '/handlers?verbose=1'), 400, 'invalid_request');
  });

  it('answers health, liveness, readiness and store status', async () => {
    const id = (await call(api.base, 'POST', '/tasks', { body: { namespace: 'ops', name: 'flaky' } })).json.task_id;
    await waitForTaskOverHttp(api.base, id);
    const health = await call(api.base, 'GET', '/health');
    expect(health.json).toMatchObject({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      store: { kind: api.tasker.store.kind, ok: true, error: null },
      worker: { worker_id: api.tasker.workerId, concurrency: 10 },
      templates: 4,
    });
    expect((await call(api.base, 'GET', '/health/live')).json).toEqual({ status: 'ok' });
    const ready = await call(api.base, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });
    const status = await call(api.base, 'GET', '/health/status');
    const stats = await api.tasker.store.stats();
    expect(status.json.tasks_by_state).toEqual(stats.tasks_by_state);
    expect(status.json.steps_by_state).toEqual(stats.steps_by_state);
    expect(status.json.ready_depth).toBe(stats.ready_depth);
    expect(status.json.tasks_by_state.completed).toBeGreaterThanOrEqual(1);
    expect(status.json.workers.map((w: { worker_id: string }) => w.worker_id)).toContain(api.tasker.workerId);
  });

  it('exposes Prometheus metrics from engine events and store stats, in its own registry', async () => {
    const flakyId = (await call(api.base, 'POST', '/tasks', { body: { namespace: 'ops', name: 'flaky' } })).json
      .task_id;
    const failId = (
      await call(api.base, 'POST', '/tasks', {
        body: { namespace: 'api', name: 'fanout', context: { fail_steps: ['left'] } },
      })
    ).json.task_id;
    await api.tasker.waitForTask(flakyId, { timeoutMs: 20_000 });
    await api.tasker.waitForTask(failId, { timeoutMs: 20_000 });
    const res = await fetch(`${api.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = samples(await res.text());
    const flaky = 'namespace="ops",task="flaky"';
    expect(m.get(`tasker_tasks_finished_total{${flaky},state="completed"}`)).toBeGreaterThanOrEqual(1);
    expect(m.get('tasker_tasks_finished_total{namespace="api",task="fanout",state="failed"}')).toBe(1);
    expect(total(m, `tasker_step_retries_total{${flaky},step="wobble",`)).toBe(
      2 * m.get(`tasker_steps_total{${flaky},step="wobble",state="completed"}`)!,
    );
    expect(m.get(`tasker_step_duration_seconds_count{${flaky},step="wobble"}`)).toBe(
      3 * m.get(`tasker_steps_total{${flaky},step="wobble",state="completed"}`)!,
    );
    expect(m.get('tasker_steps_total{namespace="api",task="fanout",step="left",state="failed"}')).toBe(1);
    const stats = await api.tasker.store.stats();
    expect(m.get('tasker_tasks{state="completed"}')).toBe(stats.tasks_by_state.completed);
    expect(m.get('tasker_tasks{state="cancelled"}')).toBe(stats.tasks_by_state.cancelled ?? 0);
    expect(m.get('tasker_steps{state="failed"}')).toBe(stats.steps_by_state.failed);
    expect(m.get('tasker_workers')).toBe(stats.workers.length);
    expect(total(m, 'tasker_step_failures_total{namespace="api",task="fanout",step="left",')).toBe(1);
    expect(m.get('tasker_oldest_ready_step_age_seconds')).toBe(stats.oldest_ready_age_ms / 1000);
    expect(m.has('tasker_ready_steps')).toBe(true);
    expect(
      m.get('tasker_http_requests_total{method="POST",route="/tasker/tasks",status="201"}'),
    ).toBeGreaterThanOrEqual(2);
    expect([...m.keys()].some((k) => k.startsWith('tasker_process_'))).toBe(true);
    expect((await globalRegistry.getMetricsAsJSON()).filter((x) => x.name.startsWith('tasker_'))).toEqual([]);
  });

  it('serves an OpenAPI 3.0 document that covers every route and matches real responses', async () => {
    const res = await call(api.base, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.0.3');
    const operations = Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>,
    ).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations).toHaveLength(44);
    for (const { path, method, op } of operations) {
      expect(
        api.app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }),
        `${method} ${path}`,
      ).toBe(true);
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((x) => x[1])) {
        expect(
          op.parameters?.some((p) => p.in === 'path' && p.name === name),
          `${method} ${path} declares ${name}`,
        ).toBe(true);
      }
    }
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(20);
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined();
    expect(doc.components.schemas.TaskCreate).toMatchObject({ additionalProperties: false, required: ['name'] });
    expect(doc.paths['/tasker/tasks'].post.responses['409']).toBeDefined();

    // Real answers validate against the documented schemas.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const fixed = JSON.parse(
      JSON.stringify(doc.components.schemas).replace(/#\/components\/schemas\//g, 'openapi#/components/schemas/'),
    );
    ajv.addSchema({ $id: 'openapi', components: { schemas: fixed } });
    const id = (await call(api.base, 'POST', '/tasks', { body: { namespace: 'ops', name: 'flaky' } })).json.task_id;
    await api.tasker.waitForTask(id, { timeoutMs: 20_000 });
    const checks: Array<[string, string]> = [
      [`/tasks/${id}`, 'Task'],
      ['/tasks?limit=3', 'TaskPage'],
      [`/tasks/${id}/workflow_steps`, 'StepList'],
      ['/handlers/api/checkout', 'Template'],
      ['/health', 'HealthSummary'],
      ['/health/status', 'Status'],
      ['/stats', 'Stats'],
      ['/schedules', 'ScheduleList'],
      [`/tasks/${id}/history`, 'HistoryPage'],
      ['/tasks/987654', 'Error'],
    ];
    const task = (await call(api.base, 'GET', `/tasks/${id}`)).json;
    checks.push([`/tasks/${id}/workflow_steps/${task.workflow_steps[0].workflow_step_id}`, 'StepDetail']);
    for (const [path, schema] of checks) {
      const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
      const answer = (await call(api.base, 'GET', path)).json;
      expect(validate(answer), `${path} vs ${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const validatePrune = ajv.getSchema('openapi#/components/schemas/PruneResult')!;
    for (const body of [{ completed_before: '30d', dry_run: true }, { cancelled_before: '2000-01-01' }]) {
      const pruned = (await call(api.base, 'POST', '/tasks/prune', { body })).json;
      expect(validatePrune(pruned), `prune vs PruneResult: ${ajv.errorsText(validatePrune.errors)}`).toBe(true);
    }
  });
});

describe.each(STORE_KINDS)('readiness when the store stops answering on $kind', ({ make }) => {
  it('answers 503 from /health/ready and degraded from /health, while /health/live stays cheap and 200', async () => {
    const db = make();
    const { openStore } = await import('../../src/store/open-store.js');
    const { silentLogger } = await import('../../src/telemetry/logger.js');
    const store = await openStore(db.url, { logger: silentLogger() });
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const flaky = new Proxy(store, {
      get(target, prop) {
        if (prop === 'ping' && mode !== 'ok') {
          return mode === 'hang'
            ? () => new Promise(() => undefined)
            : async () => Promise.reject(new Error('connection refused'));
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const api = await startApi(db, { db: flaky, concurrency: 0 }, { readyTimeoutMs: 200 });
    try {
      expect((await call(api.base, 'GET', '/health/ready')).status).toBe(200);
      mode = 'fail';
      const failed = await call(api.base, 'GET', '/health/ready');
      expect(failed.status).toBe(503);
      expect(failed.json).toEqual({ status: 'not_ready' });
      expect((await call(api.base, 'GET', '/health')).json).toMatchObject({
        status: 'degraded',
        store: { ok: false, error: 'connection refused' },
      });
      mode = 'hang';
      const hung = await call(api.base, 'GET', '/health/ready');
      expect(hung.status).toBe(503);
      expect(hung.json).toEqual({ status: 'not_ready' });
      expect((await call(api.base, 'GET', '/health')).json.store.error).toContain('within 200 ms');
      expect((await call(api.base, 'GET', '/health/live')).json).toEqual({ status: 'ok' });
      mode = 'ok';
      expect((await call(api.base, 'GET', '/health/ready')).status).toBe(200);
    } finally {
      await api.close();
      await store.close();
      await db.cleanup();
    }
  });
});
