// The flow-control examples (examples/flow-control): one template per feature, loading without an issue, each step
// resolving to a handler of the examples' handlers module.
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { HandlerRegistry, checkHandlers } from '../../src/definition/handler-registry.js';
import { loadHandlerModule } from '../../src/definition/handler-module.js';

describe('flow-control examples', () => {
  it('load without an issue, with their priorities, and every step has a handler', async () => {
    const result = await loadTemplates(['examples/flow-control/tasks']);
    expect(result.issues).toEqual([]);
    const byName = Object.fromEntries(result.templates.map((l) => [l.template.name, l.template]));
    expect(Object.keys(byName).sort()).toEqual([
      'capture_payment',
      'charge_merchant',
      'nightly_report',
      'partner_export',
      'send_reminder',
      'sync_customer',
      'vip_order',
    ]);
    expect(byName.sync_customer!.concurrency).toEqual({ key: 'context.customer_id', limit: 1 });
    expect(byName.partner_export!.step_templates[1]!.concurrency).toEqual({ limit: 5 });
    expect(byName.charge_merchant!.rate_limits).toEqual({ payment_gateway: { limit: 100, period: 60_000, burst: 10 } });
    expect(byName.charge_merchant!.step_templates[0]!.rate_limit).toEqual({
      name: 'payment_gateway',
      key: 'context.merchant_id',
    });
    expect(byName.vip_order!.priority).toBe(100);
    expect(byName.nightly_report!.priority).toBe(-100);
    expect(byName.send_reminder!.priority).toBeUndefined();
    const registry = new HandlerRegistry();
    registry.registerAll((await loadHandlerModule('examples/flow-control/handlers.ts')).handlers);
    for (const l of result.templates) expect(checkHandlers(l.template, registry, l.source)).toEqual([]);
  });
});
