// Map fan-out through the library, on both stores: a step mapped over a list from an upstream step's results (or the
// context) runs its handler once per item with `step.item` / `step.index`, and its dependents read the instances'
// results as one array in item order. Over 0, 1 and 1,000 items; max_parallel observed from inside the handlers; one
// instance failing and retrying alone; a list above the bound, a value that is no list, and a skipped source step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, sleep } from '../support/engine.js';

const orders = defineTask({
  name: 'order_lines',
  namespace_name: 'maps',
  version: '1.0.0',
  module_namespace: 'Maps',
  step_templates: [
    { name: 'load_order' },
    {
      name: 'charge_line_item',
      depends_on_step: 'load_order',
      map: { over: 'load_order.results.line_items' },
      default_retry_limit: 3,
      retry: { base: 0 },
    },
    { name: 'summarize', depends_on_step: 'charge_line_item' },
  ],
});

const throttled = defineTask({
  name: 'throttled',
  namespace_name: 'maps',
  version: '1.0.0',
  module_namespace: 'Maps',
  step_templates: [
    { name: 'work', map: { over: 'context.items', max_parallel: 3 } },
    { name: 'after', depends_on_step: 'work' },
  ],
});

const bypassable = defineTask({
  name: 'bypassable',
  namespace_name: 'maps',
  version: '1.0.0',
  module_namespace: 'Maps',
  step_templates: [
    { name: 'fetch', skippable: true },
    { name: 'each', depends_on_step: 'fetch', map: { over: 'fetch.results.items' } },
    { name: 'after', depends_on_step: 'each' },
  ],
});

interface Seen {
  name: string;
  index: number;
  item: unknown;
  attempt: number;
  id: number;
}

describe.each(STORE_KINDS)('map fan-out on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  const seen = new Map<number, Seen[]>();
  const summaries = new Map<number, unknown>();
  let running = 0;
  let mostRunning = 0;
  const seeAt = (taskId: number, s: Seen) => {
    const list = seen.get(taskId) ?? [];
    list.push(s);
    seen.set(taskId, list);
  };

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [orders, throttled, bypassable],
      pollIntervalMs: 50,
      concurrency: 20,
      maxMapItems: 1_500,
      handlers: {
        'Maps::LoadOrderHandler': (task: { context: { lines: unknown } }) => ({ line_items: task.context.lines }),
        'Maps::ChargeLineItemHandler': (
          task: { task_id: number; context: { fail_index?: number } },
          _seq: unknown,
          step: {
            name: string;
            index: number;
            item: { sku: string; qty: number };
            attempts: number;
            workflow_step_id: number;
          },
        ) => {
          seeAt(task.task_id, {
            name: step.name,
            index: step.index,
            item: step.item,
            attempt: step.attempts,
            id: step.workflow_step_id,
          });
          if (task.context.fail_index === step.index && step.attempts === 1) throw new Error('card declined once');
          return { sku: step.item.sku, charged: step.item.qty * 10 };
        },
        'Maps::SummarizeHandler': (
          task: { task_id: number },
          seq: { findStepByName(n: string): { results: unknown } },
        ) => {
          const results = seq.findStepByName('charge_line_item').results;
          summaries.set(task.task_id, results);
          return { count: (results as unknown[]).length };
        },
        'Maps::WorkHandler': async (_t: unknown, _s: unknown, step: { item: number; index: number }) => {
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          await sleep(20);
          running -= 1;
          return step.item * 2;
        },
        'Maps::AfterHandler': (_t: unknown, seq: { steps: Array<{ name: string; results: unknown }> }) => ({
          upstream: seq.steps.map((s) => s.name),
        }),
        'Maps::FetchHandler': () => ({ items: [1, 2] }),
        'Maps::EachHandler': (_t: unknown, _s: unknown, step: { item: number }) => step.item,
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  const run = async (template: string, context: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const { task_id } = await tasker.submit({ namespace: 'maps', name: template, context, ...extra });
    return tasker.waitForTask(task_id, { timeoutMs: 60_000 });
  };
  const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1 }));

  it('runs one instance per item with step.item and step.index; dependents read the results in item order', async () => {
    const done = await run('order_lines', { lines: lines(3) });
    expect(done.current_state).toBe('completed');
    const calls = seen.get(done.task_id)!;
    expect(calls.map((c) => c.name)).toEqual(['charge_line_item', 'charge_line_item', 'charge_line_item']);
    expect(calls.map((c) => c.index).sort()).toEqual([0, 1, 2]);
    for (const c of calls) expect(c.item).toEqual(lines(3)[c.index]);
    const expected = lines(3).map((l) => ({ sku: l.sku, charged: l.qty * 10 }));
    expect(summaries.get(done.task_id)).toEqual(expected);
    const mapped = done.workflow_steps.find((s) => s.name === 'charge_line_item')!;
    expect(mapped.current_state).toBe('completed');
    expect(mapped.results).toEqual(expected);
    // The task JSON groups the instances under their step; they are not among the task's steps.
    expect(done.workflow_steps.map((s) => s.name)).toEqual(['load_order', 'charge_line_item', 'summarize']);
    expect(mapped.map?.size).toBe(3);
    expect(mapped.map?.counts).toEqual({ completed: 3 });
    const instances = mapped.map!.instances;
    expect(instances.map((s) => s.name)).toEqual(['charge_line_item[0]', 'charge_line_item[1]', 'charge_line_item[2]']);
    expect(instances.map((s) => s.map_index)).toEqual([0, 1, 2]);
    expect(new Set(calls.map((c) => c.id))).toEqual(new Set(instances.map((s) => s.workflow_step_id)));
    const raw = (await tasker.store.getTask(done.task_id))!;
    expect(raw.step_count).toBe(6);
    expect(raw.workflow_steps.filter((s) => s.map_of === mapped.workflow_step_id)).toHaveLength(3);
  });

  it('completes a map over an empty list with [] and runs no instance', async () => {
    const done = await run('order_lines', { lines: [] });
    expect(done.current_state).toBe('completed');
    expect(seen.get(done.task_id)).toBeUndefined();
    expect(done.workflow_steps.find((s) => s.name === 'charge_line_item')!.results).toEqual([]);
    expect(summaries.get(done.task_id)).toEqual([]);
    expect(done.workflow_steps).toHaveLength(3);
  });

  it('maps over one item', async () => {
    const done = await run('order_lines', { lines: lines(1) });
    expect(done.current_state).toBe('completed');
    expect(summaries.get(done.task_id)).toEqual([{ sku: 'sku-0', charged: 10 }]);
    expect(seen.get(done.task_id)!.map((c) => c.index)).toEqual([0]);
  });

  it('maps over 1,000 items, each run once, results in item order', async () => {
    const done = await run('order_lines', { lines: lines(1_000) });
    expect(done.current_state).toBe('completed');
    const calls = seen.get(done.task_id)!;
    expect(calls).toHaveLength(1_000);
    expect(new Set(calls.map((c) => c.index)).size).toBe(1_000);
    const results = summaries.get(done.task_id) as Array<{ sku: string }>;
    expect(results.map((r) => r.sku)).toEqual(lines(1_000).map((l) => l.sku));
    expect((await tasker.store.getTask(done.task_id))!.step_count).toBe(1_003);
    expect(done.workflow_steps.find((s) => s.name === 'charge_line_item')!.map!.instances).toHaveLength(1_000);
  });

  it('retries a failing instance on its own', async () => {
    const done = await run('order_lines', { lines: lines(4), fail_index: 2 });
    expect(done.current_state).toBe('completed');
    const calls = seen.get(done.task_id)!;
    expect(calls.filter((c) => c.index === 2).map((c) => c.attempt)).toEqual([1, 2]);
    for (const i of [0, 1, 3]) expect(calls.filter((c) => c.index === i).map((c) => c.attempt)).toEqual([1]);
    const failedOnce = done.workflow_steps.find((s) => s.name === 'charge_line_item')!.map!.instances[2]!;
    expect(failedOnce.attempts).toBe(2);
    expect((summaries.get(done.task_id) as unknown[]).length).toBe(4);
  });

  it('keeps at most max_parallel instances running, observed from the handlers', async () => {
    running = 0;
    mostRunning = 0;
    const items = Array.from({ length: 30 }, (_, i) => i);
    const done = await run('throttled', { items });
    expect(done.current_state).toBe('completed');
    expect(mostRunning).toBeGreaterThan(0);
    expect(mostRunning).toBeLessThanOrEqual(3);
    expect(done.workflow_steps.find((s) => s.name === 'work')!.results).toEqual(items.map((i) => i * 2));
  });

  it('fails the step when the list is longer than maxMapItems, saying so', async () => {
    const done = await run('order_lines', { lines: lines(1_501) });
    expect(done.current_state).toBe('failed');
    const step = done.workflow_steps.find((s) => s.name === 'charge_line_item')!;
    expect(step.current_state).toBe('failed');
    expect(step.error?.code).toBe('map_too_large');
    expect(step.error?.message).toContain('load_order.results.line_items has 1501 items, more than the limit of 1500');
    expect(step.map).toBeUndefined();
    expect((await tasker.store.getTask(done.task_id))!.workflow_steps).toHaveLength(3);
  });

  it('fails the step when map.over is not a list, naming the reference and what it found', async () => {
    const done = await run('order_lines', { lines: { sku: 'x' } });
    expect(done.current_state).toBe('failed');
    const step = done.workflow_steps.find((s) => s.name === 'charge_line_item')!;
    expect(step.error?.code).toBe('invalid_map');
    expect(step.error?.message).toBe(
      'map.over: load_order.results.line_items is an object ({"sku":"x"}); expected a list',
    );
    const missing = await run('throttled', {});
    expect(missing.workflow_steps.find((s) => s.name === 'work')!.error?.message).toBe(
      'map.over: context.items is missing; expected a list',
    );
  });

  it('skips the mapped step when its source step is skipped; its dependents still run', async () => {
    const done = await run('bypassable', {}, { bypass_steps: ['fetch'] });
    expect(done.current_state).toBe('completed');
    const step = done.workflow_steps.find((s) => s.name === 'each')!;
    expect(step.current_state).toBe('skipped');
    expect(done.workflow_steps.find((s) => s.name === 'after')!.current_state).toBe('completed');
    const history = await tasker.store.getHistory(done.task_id, step.workflow_step_id);
    expect(history.map((h) => [h.from_state, h.to_state, h.reason])).toContainEqual([
      'running',
      'skipped',
      'source step fetch was skipped',
    ]);
  });
});
