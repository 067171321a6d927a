// The pinned set a worker keeps of the stored template definitions (template versions, issue 15), on both stores:
// a definition another process stores after this one read the store is not runnable here until the next refresh,
// then it is (the capability cache notices); it needs its handlers here; it never serves new submissions; forTask
// compiles it. Saving twice is one store write; a conflict stays refused on every later save.
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store-contract.js';
import { defineTask } from '../../src/definition/define-task.js';
import { HandlerRegistry } from '../../src/definition/handler-registry.js';
import type { TaskTemplate } from '../../src/definition/model.js';
import { TemplateRegistry } from '../../src/definition/template-registry.js';
import { TemplateRedefinedError } from '../../src/definition/template-redefinition.js';
import { templateDefinition, TemplateDefinitions } from '../../src/engine/template-definitions.js';
import { WorkflowCatalog } from '../../src/engine/workflow-catalog.js';
import { openStore } from '../../src/store/open-store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';

const report = (handler: string, version = '1.0.0') =>
  defineTask({
    name: 'report',
    namespace_name: 'pins',
    version,
    step_templates: [{ name: 'build', handler_class: handler }],
  }) as TaskTemplate;

describe.each(STORE_KINDS)('pinned definitions ($kind)', ({ make }) => {
  let db: TestDb;
  let store: Store;
  afterEach(async () => {
    await store?.close();
    await db?.cleanup();
  });

  function worker(handlers: string[]) {
    const templates = new TemplateRegistry();
    const registry = new HandlerRegistry();
    for (const h of handlers) registry.register(h, () => ({ ok: true }));
    const definitions = new TemplateDefinitions(store, templates, silentLogger(), false);
    const catalog = new WorkflowCatalog(templates, registry, undefined, undefined, definitions);
    return { templates, definitions, catalog };
  }

  it('a definition stored after the last read becomes runnable at the next refresh, given its handlers', async () => {
    db = make();
    store = await openStore(db.url);
    const able = worker(['Pins::Build']);
    const lacking = worker(['Pins::Other']);
    await able.definitions.refresh();
    await lacking.definitions.refresh();
    expect(able.catalog.capabilities(null)).toEqual([]);
    // another process stores it
    await store.definitions.saveDefinitions([templateDefinition(report('Pins::Build'))]);
    expect(able.catalog.capabilities(null)).toEqual([]);
    expect(() => able.catalog.forTask('pins', 'report', '1.0.0')).toThrow(/not registered in this worker, nor stored/);
    await able.definitions.refresh();
    await lacking.definitions.refresh();
    expect(able.catalog.capabilities(null)).toEqual(['pins/report@1.0.0']);
    expect(able.catalog.capabilities(['elsewhere'])).toEqual([]);
    expect(lacking.catalog.capabilities(null)).toEqual([]);
    const compiled = able.catalog.forTask('pins', 'report', '1.0.0');
    expect(compiled.steps.get('build')!.handlerClass).toBe('Pins::Build');
    // never for new submissions
    expect(() => able.catalog.forRequest('pins', 'report')).toThrow(/unknown template pins\/report/);
    expect(able.catalog.newest('pins', 'report')).toBeUndefined();
  });

  it('a second save changes nothing; a conflict is refused again on every save', async () => {
    db = make();
    store = await openStore(db.url);
    const first = worker([]);
    first.templates.register(report('Pins::Build'));
    await first.definitions.save();
    const stored = (await store.definitions.getDefinition('pins', 'report', '1.0.0'))!;
    await first.definitions.save();
    expect(await store.definitions.getDefinition('pins', 'report', '1.0.0')).toEqual(stored);

    const second = worker([]);
    second.templates.register(report('Pins::Changed'));
    second.templates.register(report('Pins::Build', '2.0.0'));
    await expect(second.definitions.save()).rejects.toThrow(TemplateRedefinedError);
    await expect(second.definitions.save()).rejects.toThrow(/pins\/report@1\.0\.0 differs/);
    // the other template was stored all the same; the conflicting one kept its first definition
    expect(await store.definitions.getDefinition('pins', 'report', '2.0.0')).not.toBeNull();
    expect(await store.definitions.getDefinition('pins', 'report', '1.0.0')).toEqual(stored);
    // known now: a registration of the changed template is refused before it is registered
    const third = worker([]);
    await third.definitions.refresh();
    expect(() => third.definitions.checkRegistration(report('Pins::Changed'), 'report.yaml')).toThrow(
      /report\.yaml: pins\/report@1\.0\.0 differs .*step_templates\[0\]\.handler_class changed/,
    );
  });
});
