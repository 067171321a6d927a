// The approval example (examples/approval): its template loads without an issue, with a signal wait (and its timeout)
// and a timer; those two steps resolve to no handler of their own, and every other step to one of its handlers module.
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { HandlerRegistry, checkHandlers } from '../../src/definition/handler-registry.js';
import { isHandlerless } from '../../src/definition/handler-naming.js';
import { loadHandlerModule } from '../../src/definition/handler-module.js';

describe('approval example', () => {
  it('loads with a signal wait and a timer, and every other step has a handler', async () => {
    const result = await loadTemplates(['examples/approval/tasks']);
    expect(result.issues).toEqual([]);
    expect(result.templates).toHaveLength(1);
    const template = result.templates[0]!.template;
    expect(`${template.namespace_name}/${template.name}@${template.version}`).toBe('approvals/expense_approval@1.0.0');
    const byName = Object.fromEntries(template.step_templates.map((s) => [s.name, s]));
    expect(byName.manager_approval!.wait_for).toEqual({ signal: 'approval', timeout: 48 * 3_600_000 });
    expect(byName.manager_approval!.default_retry_limit).toBe(1);
    expect(byName.cooling_off!.wait_for).toEqual({ duration: 2_000 });
    expect(template.step_templates.filter(isHandlerless).map((s) => s.name)).toEqual([
      'manager_approval',
      'cooling_off',
    ]);
    const registry = new HandlerRegistry();
    registry.registerAll((await loadHandlerModule('examples/approval/handlers.ts')).handlers);
    expect(checkHandlers(template, registry, result.templates[0]!.source)).toEqual([]);
    expect(Object.keys((await loadHandlerModule('examples/approval/handlers.ts')).handlers).sort()).toEqual([
      'Approvals::NotifyRequesterHandler',
      'Approvals::PayOutHandler',
      'Approvals::RequestApprovalHandler',
    ]);
  });
});
