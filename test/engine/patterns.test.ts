// The seed's five patterns end to end on the example templates and handlers, on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { EXAMPLES_HANDLERS, EXAMPLES_TEMPLATES, openTestEngine } from '../support/engine.js';

const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

describe.each(STORE_KINDS)('seed patterns on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, { templates: [EXAMPLES_TEMPLATES], handlers: EXAMPLES_HANDLERS });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('linear: user_onboarding runs its steps strictly in order and annotates completion', async () => {
    const task = await tasker.run(
      { namespace: 'onboarding', name: 'user_onboarding', context: { email: 'ada@example.com' } },
      { timeoutMs: 30_000 },
    );
    expect(task.current_state).toBe('completed');
    const steps = task.workflow_steps;
    expect(steps.map((s) => s.name)).toEqual([
      'create_account',
      'send_welcome_email',
      'setup_preferences',
      'activate_trial',
    ]);
    for (let i = 1; i < steps.length; i++) {
      expect(ms(steps[i]!.started_at)).toBeGreaterThanOrEqual(ms(steps[i - 1]!.completed_at));
    }
    expect(steps[1]!.results.to).toBe('ada@example.com');
    expect(task.annotations.map((a) => a.annotation_type)).toEqual(['onboarding_completed']);
  });

  it('parallel: the three extractions overlap in time and aggregate_data waits for all', async () => {
    const task = await tasker.run(
      { namespace: 'data_processing', name: 'data_extraction', context: {} },
      { timeoutMs: 30_000 },
    );
    expect(task.current_state).toBe('completed');
    const extracts = task.workflow_steps.filter((s) => s.name.startsWith('extract_'));
    expect(extracts).toHaveLength(3);
    const latestStart = Math.max(...extracts.map((s) => ms(s.started_at)));
    const earliestEnd = Math.min(...extracts.map((s) => ms(s.completed_at)));
    expect(latestStart).toBeLessThan(earliestEnd); // all three were running at the same moment
    const aggregate = task.workflow_steps.find((s) => s.name === 'aggregate_data')!;
    expect(ms(aggregate.started_at)).toBeGreaterThanOrEqual(Math.max(...extracts.map((s) => ms(s.completed_at))));
    expect(aggregate.results.total_records).toBe(extracts.reduce((sum, s) => sum + s.results.records, 0));
  });

  it('diamond: finalize_order starts after all three checks', async () => {
    const task = await tasker.run(
      { namespace: 'ecommerce', name: 'order_verification', context: { order_id: 7 } },
      { timeoutMs: 30_000 },
    );
    expect(task.current_state).toBe('completed');
    const byName = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s]));
    const checks = ['check_payment_method', 'verify_shipping_address', 'check_inventory_availability'].map(
      (n) => byName[n]!,
    );
    for (const c of checks)
      expect(ms(c.started_at)).toBeGreaterThanOrEqual(ms(byName.validate_order_data!.completed_at));
    expect(ms(byName.finalize_order!.started_at)).toBeGreaterThanOrEqual(
      Math.max(...checks.map((c) => ms(c.completed_at))),
    );
    expect(byName.finalize_order!.results.status).toBe('verified');
    expect(task.annotations[0]!.annotation_type).toBe('verification_summary');
  });

  it('conditional by hook: the context chooses manual_review, the other paths are skipped', async () => {
    const task = await tasker.run(
      {
        namespace: 'ecommerce',
        name: 'conditional_order_processing',
        context: { analysis_result: { processing_path: 'manual_review' } },
      },
      { timeoutMs: 30_000 },
    );
    const states = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s.current_state]));
    expect(states).toEqual({
      analyze_order: 'completed',
      standard_processing: 'skipped',
      manual_review: 'completed',
      fraud_investigation: 'skipped',
    });
    expect(task.current_state).toBe('completed');
  });

  it('conditional at run time: analyze_order routes a high-value order to manual_review only', async () => {
    const task = await tasker.run(
      { namespace: 'ecommerce', name: 'conditional_order_processing', context: { order_total: 25_000 } },
      { timeoutMs: 30_000 },
    );
    const states = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s.current_state]));
    expect(states).toEqual({
      analyze_order: 'completed',
      standard_processing: 'skipped',
      manual_review: 'completed',
      fraud_investigation: 'skipped',
    });
    expect(task.workflow_steps[0]!.results.processing_path).toBe('manual_review');
    const standard = await tasker.run(
      { namespace: 'ecommerce', name: 'conditional_order_processing', context: { order_total: 90, risk_score: 0.1 } },
      { timeoutMs: 30_000 },
    );
    expect(standard.workflow_steps.filter((s) => s.current_state === 'completed').map((s) => s.name)).toEqual([
      'analyze_order',
      'standard_processing',
    ]);
  });

  it('pipeline: each stage transforms the previous stage results', async () => {
    const task = await tasker.run(
      { namespace: 'data_processing', name: 'data_pipeline', context: { estimated_rows: 40 } },
      { timeoutMs: 30_000 },
    );
    expect(task.current_state).toBe('completed');
    const r = Object.fromEntries(task.workflow_steps.map((s) => [s.name, s.results]));
    expect(r.extract_raw_data.row_count).toBe(40);
    expect(r.clean_data.row_count).toBeLessThan(40); // rows with null amounts were dropped
    expect(r.transform_data.rows[0].amount_cents).toBe(r.clean_data.rows[0].amount * 100);
    expect(r.enrich_data.rows.every((row: { region?: string }) => typeof row.region === 'string')).toBe(true);
    expect(r.load_to_warehouse.loaded).toBe(r.validate_output.row_count);
    const metrics = task.annotations.find((a) => a.annotation_type === 'pipeline_metrics')!;
    expect((metrics.content as { steps_completed: number }).steps_completed).toBe(6);
  });

  it('best practices: simple and complex order templates complete, complex honours requires_review', async () => {
    const simple = await tasker.run(
      { namespace: 'ecommerce', name: 'simple_order_processing', context: { order_id: 123 } },
      { timeoutMs: 30_000 },
    );
    expect(simple.current_state).toBe('completed');
    const complex = await tasker.run(
      { namespace: 'ecommerce', name: 'complex_order_processing', context: { requires_review: true } },
      { timeoutMs: 30_000 },
    );
    expect(complex.version).toBe('2.0.0');
    const states = Object.fromEntries(complex.workflow_steps.map((s) => [s.name, s.current_state]));
    expect(states.manual_review).toBe('completed');
    expect(states.standard_processing).toBe('skipped');
  });
});
