// The map fan-out example (examples/order-lines): its template loads without an issue, with a map over load_order's
// line items (at most five at once), every step resolves to a handler of its module, and it runs end to end: one
// charge per line item, the receipt reading them as one array in line order, and an order without lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { HandlerRegistry, checkHandlers } from '../../src/definition/handler-registry.js';
import { loadHandlerModule } from '../../src/definition/handler-module.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const TEMPLATES = 'examples/order-lines/tasks';
const HANDLERS = 'examples/order-lines/handlers.ts';

describe('order-lines example', () => {
  let db: TestDb;
  let tasker: Tasker;
  beforeAll(async () => {
    db = sqliteDb();
    tasker = await openTestEngine(db, { templates: [TEMPLATES], handlers: HANDLERS, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('loads with a map over the order lines, and every step has a handler', async () => {
    const result = await loadTemplates([TEMPLATES]);
    expect(result.issues).toEqual([]);
    const template = result.templates[0]!.template;
    expect(`${template.namespace_name}/${template.name}@${template.version}`).toBe('shop/order_with_line_items@1.0.0');
    const byName = Object.fromEntries(template.step_templates.map((s) => [s.name, s]));
    expect(byName.charge_line_item!.map).toEqual({ over: 'load_order.results.line_items', max_parallel: 5 });
    const registry = new HandlerRegistry();
    registry.registerAll((await loadHandlerModule(HANDLERS)).handlers);
    expect(checkHandlers(template, registry, result.templates[0]!.source)).toEqual([]);
  });

  it('charges each line once and sends one receipt with the charges in line order', async () => {
    const lines = Array.from({ length: 7 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1, price: 2.5 }));
    const done = await tasker.run(
      { namespace: 'shop', name: 'order_with_line_items', context: { order_id: 'A-1', line_items: lines } },
      { timeoutMs: 30_000 },
    );
    expect(done.current_state).toBe('completed');
    const charge = done.workflow_steps.find((s) => s.name === 'charge_line_item')!;
    expect(charge.map).toMatchObject({ size: 7, counts: { completed: 7 } });
    const receipt = done.workflow_steps.find((s) => s.name === 'send_receipt')!.results;
    expect(receipt.lines).toEqual(lines.map((l) => `${l.sku}: ${l.qty * 2.5}`));
    expect(receipt.total).toBe(70);

    const empty = await tasker.run(
      { namespace: 'shop', name: 'order_with_line_items', context: { order_id: 'A-2', line_items: [] } },
      { timeoutMs: 30_000 },
    );
    expect(empty.current_state).toBe('completed');
    expect(empty.workflow_steps.find((s) => s.name === 'send_receipt')!.results).toEqual({
      order_id: 'A-2',
      lines: [],
      total: 0,
    });
  });
});
