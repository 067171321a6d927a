// The onboarding example (examples/onboarding): both templates load without an issue, the kyc step is a sub-workflow
// with no handler, every other step resolves to one of the handlers module; run end to end on a SQLite file, the
// onboarding completes with the KYC child's results under its kyc step and lists the child.
import { afterAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { HandlerRegistry, checkHandlers } from '../../src/definition/handler-registry.js';
import { isHandlerless } from '../../src/definition/handler-naming.js';
import { loadHandlerModule } from '../../src/definition/handler-module.js';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { sqliteDb } from '../support/stores.js';

describe('onboarding example', () => {
  const db = sqliteDb();
  afterAll(() => db.cleanup());

  it('loads, with a sub-workflow step and a handler for every other step', async () => {
    const result = await loadTemplates(['examples/onboarding/tasks']);
    expect(result.issues).toEqual([]);
    const keys = result.templates.map((l) => `${l.template.namespace_name}/${l.template.name}@${l.template.version}`);
    expect(keys.sort()).toEqual(['accounts/customer_onboarding@1.0.0', 'compliance/kyc_check@2.1.0']);
    const registry = new HandlerRegistry();
    registry.registerAll((await loadHandlerModule('examples/onboarding/handlers.ts')).handlers);
    for (const l of result.templates) expect(checkHandlers(l.template, registry, l.source)).toEqual([]);
    const onboarding = result.templates.find((l) => l.template.name === 'customer_onboarding')!.template;
    expect(onboarding.step_templates.filter(isHandlerless).map((s) => s.name)).toEqual(['kyc']);
  });

  it('runs: the kyc step completes with the child task results', async () => {
    process.env.TASKER_EXAMPLE_IO_SCALE = '0';
    const tasker = await Tasker.open({
      db: db.url,
      logger: silentLogger(),
      templates: ['examples/onboarding/tasks'],
      handlers: 'examples/onboarding/handlers.ts',
      pollIntervalMs: 50,
    });
    try {
      const done = await tasker.run(
        {
          namespace: 'accounts',
          name: 'customer_onboarding',
          context: { customer_id: 'c-42', email: 'ada@example.com' },
        },
        { timeoutMs: 30_000 },
      );
      expect(done.current_state).toBe('completed');
      const kyc = done.workflow_steps.find((s) => s.name === 'kyc')!.results;
      expect(Object.keys(kyc).sort()).toEqual(['decide', 'screen_sanctions', 'verify_identity']);
      expect(done.workflow_steps.find((s) => s.name === 'send_welcome')!.results).toEqual({
        to: 'ada@example.com',
        template: 'welcome',
      });
      expect(done.subtasks).toEqual([
        expect.objectContaining({
          namespace: 'compliance',
          name: 'kyc_check',
          version: '2.1.0',
          current_state: 'completed',
        }),
      ]);
      const child = await tasker.getTask(done.subtasks[0]!.task_id);
      expect(child!.context).toEqual({ customer_id: 'c-42', account: 'acct-c-42' });
    } finally {
      delete process.env.TASKER_EXAMPLE_IO_SCALE;
      await tasker.close();
    }
  });
});
