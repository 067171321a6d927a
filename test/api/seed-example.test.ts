// The seed's "REST API Monitoring" example as a test, on both stores, with the examples' templates and handlers:
// create a task, poll GET /tasker/tasks/:id while it is running, then read each workflow step's name and state,
// and read GET /tasker/health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { EXAMPLES_HANDLERS, EXAMPLES_TEMPLATES } from '../support/engine.js';
import { call, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

describe.each(STORE_KINDS)("the seed's REST monitoring example on $kind", ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    // Steps start only once the test has seen the task running, so "while it is running" never races.
    api = await startApi(db, { templates: [EXAMPLES_TEMPLATES], handlers: EXAMPLES_HANDLERS, start: false });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  it('creates an order verification, watches it run, and lists its steps with their states', async () => {
    const created = await call(api.base, 'POST', '/tasks', {
      body: {
        namespace: 'ecommerce',
        name: 'order_verification',
        context: { order_id: 4242, payment_method: 'card', country: 'DE' },
        initiator: 'seed-example',
      },
    });
    expect(created.status, created.text).toBe(201);
    const taskId: number = created.json.task_id;

    // response = HTTParty.get("#{tasker_base_url}/tasker/tasks/#{task_id}")
    const response = await fetch(`${api.base}/tasks/${taskId}`);
    const taskData = (await response.json()) as {
      current_state: string;
      workflow_steps: Array<{ name: string; current_state: string }>;
    };
    expect(taskData.current_state).toBe('running');
    expect(taskData.workflow_steps.map((s) => `${s.name}: ${s.current_state}`)).toEqual([
      'validate_order_data: pending',
      'check_payment_method: pending',
      'verify_shipping_address: pending',
      'check_inventory_availability: pending',
      'finalize_order: pending',
    ]);

    await api.tasker.start();
    const seen: string[] = [];
    const finished = await waitForTaskOverHttp(api.base, taskId, seen);
    expect(seen.slice(0, -1).every((s) => s === 'running')).toBe(true);
    expect(finished.json.current_state).toBe('completed');
    // puts "Steps: #{task_data['workflow_steps'].map { |s| "#{s['name']}: #{s['current_state']}" }}"
    expect(
      finished.json.workflow_steps.map((s: { name: string; current_state: string }) => `${s.name}: ${s.current_state}`),
    ).toEqual([
      'validate_order_data: completed',
      'check_payment_method: completed',
      'verify_shipping_address: completed',
      'check_inventory_availability: completed',
      'finalize_order: completed',
    ]);
    const finalize = finished.json.workflow_steps.find((s: { name: string }) => s.name === 'finalize_order');
    expect(finalize.results).toMatchObject({ status: 'verified', carrier: 'DHL' });

    // health_response = HTTParty.get("#{tasker_base_url}/tasker/health")
    const health = await fetch(`${api.base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: { ok: true } });
  });
});
