// Template versions pinned per task (issue 15), through the library on both stores: the store keeps the definition
// each version was first used with; a task created from v1.0.0 finishes on it in a process that registers only
// v1.1.0 (different steps); a template changed under the same version is refused at open (every one listed, with the
// first differing path) and at registration after start; a description-only change is not a change; allowRedefine
// replaces the stored definition on SQLite and is refused on PostgreSQL; a submit-only process stores definitions
// too; a worker without a stored definition's handlers never claims its steps.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { TaskTemplate } from '../../src/definition/model.js';
import { TemplateRedefinedError } from '../../src/definition/template-redefinition.js';
import type { Tasker, TaskerOptions } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, Recorder, recorded } from '../support/engine.js';

function order(version: string, steps: Array<{ name: string; after?: string; handler?: string }>, text = '') {
  return defineTask({
    name: 'order_verification',
    namespace_name: 'ecommerce',
    version,
    description: `Verify an order${text}`,
    step_templates: steps.map((s) => ({
      name: s.name,
      handler_class: s.handler ?? `Steps::${s.name}`,
      ...(s.after ? { depends_on_step: s.after } : {}),
    })),
  }) as TaskTemplate;
}

const V1 = order('1.0.0', [{ name: 'a' }, { name: 'b', after: 'a' }]);
const V1_1 = order('1.1.0', [{ name: 'x' }, { name: 'y', after: 'x' }]);
const other = (version: string, handler: string) =>
  defineTask({
    name: 'other',
    namespace_name: 'ecommerce',
    version,
    step_templates: [{ name: 'only', handler_class: handler }],
  }) as TaskTemplate;

const STORED_ON = /stored on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z; bump the version/;

describe.each(STORE_KINDS)('template versions ($kind)', ({ make }) => {
  let db: TestDb;
  const open: Tasker[] = [];
  const rec = new Recorder();
  const handlers = {
    ...Object.fromEntries(['a', 'b', 'x', 'y', 'only'].map((n) => [`Steps::${n}`, recorded(rec)])),
    'Steps::alt': recorded(rec, () => ({ alt: true })),
  };
  async function engine(options: TaskerOptions): Promise<Tasker> {
    const t = await openTestEngine(db, { handlers, ...options });
    open.push(t);
    return t;
  }

  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    rec.runs.length = 0;
    await db?.cleanup();
  });

  it('a task created from v1.0.0 finishes on it where only v1.1.0 is registered', async () => {
    db = make();
    const submitter = await engine({ templates: [V1], concurrency: 0 });
    const stored = await submitter.store.definitions.listDefinitions();
    expect(stored.map((d) => `${d.namespace}/${d.name}@${d.version}`)).toEqual(['ecommerce/order_verification@1.0.0']);
    const { task_id } = await submitter.submit({ namespace: 'ecommerce', name: 'order_verification', context: {} });
    await submitter.close();

    const worker = await engine({ templates: [V1_1] });
    expect(worker.templates.versions('ecommerce', 'order_verification')).toEqual(['1.1.0']);
    const done = await worker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(done).toMatchObject({ current_state: 'completed', version: '1.0.0' });
    expect(done.workflow_steps.map((s) => s.name)).toEqual(['a', 'b']);
    expect(rec.runs.map((r) => r.step)).toEqual(['a', 'b']);
    // new tasks come from the registered version only
    const next = await worker.run({ namespace: 'ecommerce', name: 'order_verification', context: {} });
    expect(next).toMatchObject({ current_state: 'completed', version: '1.1.0' });
    await expect(
      worker.submit({ namespace: 'ecommerce', name: 'order_verification', version: '1.0.0', context: {} }),
    ).rejects.toThrow(/unknown version of template ecommerce\/order_verification@1\.0\.0; known versions: 1\.1\.0/);
  });

  it('a worker lacking a stored definition’s handlers never claims its steps', async () => {
    db = make();
    const submitter = await engine({ templates: [other('1.0.0', 'Steps::only')], concurrency: 0 });
    const { task_id } = await submitter.submit({ namespace: 'ecommerce', name: 'other', context: {} });
    const lacking = await engine({ templates: [V1], handlers: { 'Steps::a': () => 1, 'Steps::b': () => 2 } });
    await lacking.run({ namespace: 'ecommerce', name: 'order_verification', context: {} });
    const waiting = (await lacking.getTask(task_id))!;
    expect(waiting.workflow_steps[0]).toMatchObject({ name: 'only', current_state: 'pending', waiting_for: 'worker' });
    const able = await engine({ templates: [] });
    expect(await able.waitForTask(task_id, { timeoutMs: 20_000 })).toMatchObject({ current_state: 'completed' });
    expect(rec.count('only', task_id)).toBe(1);
  });

  it('refuses at open every template changed under the same version, naming the first difference', async () => {
    db = make();
    await (await engine({ templates: [V1, other('1.0.0', 'Steps::only')], concurrency: 0 })).close();
    const changed = order('1.0.0', [{ name: 'a' }, { name: 'b', after: 'a', handler: 'Steps::alt' }]);
    const err = await engine({ templates: [changed, other('1.0.0', 'Steps::alt')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateRedefinedError);
    const { message, code, issues } = err as TemplateRedefinedError;
    expect(code).toBe('template_redefined');
    expect(issues).toHaveLength(2);
    expect(message).toMatch(/2 templates changed without a new version/);
    expect(message).toContain('ecommerce/order_verification@1.0.0 differs from the definition stored on ');
    expect(message).toMatch(STORED_ON);
    expect(message).toContain('(step_templates[1].handler_class changed)');
    expect(message).toContain('ecommerce/other@1.0.0 differs');
    // the stored definitions are untouched; a description-only change is no change
    const described = order('1.0.0', [{ name: 'a' }, { name: 'b', after: 'a' }], ', politely');
    const fine = await engine({ templates: [described], concurrency: 0 });
    const kept = (await fine.store.definitions.getDefinition('ecommerce', 'order_verification', '1.0.0'))!;
    expect(kept.definition).toMatchObject({ description: 'Verify an order' });
  });

  it('refuses a changed template registered after start, and stores a new one before its first task', async () => {
    db = make();
    await (await engine({ templates: [V1], concurrency: 0 })).close();
    const worker = await engine({ templates: [] });
    const changed = order('1.0.0', [{ name: 'a' }]);
    expect(() => worker.registerTemplate(changed)).toThrow(
      /order_verification@1\.0\.0 differs .*step_templates\[1\] removed/,
    );
    expect(worker.templates.has('ecommerce', 'order_verification', '1.0.0')).toBe(false);
    worker.registerTemplate(other('2.0.0', 'Steps::only'));
    await worker.run({ namespace: 'ecommerce', name: 'other', context: {} });
    expect(await worker.store.definitions.getDefinition('ecommerce', 'other', '2.0.0')).not.toBeNull();
  });

  it('allowRedefine replaces the stored definition on SQLite and is refused on PostgreSQL', async () => {
    db = make();
    await (await engine({ templates: [V1], concurrency: 0 })).close();
    const changed = order('1.0.0', [{ name: 'a' }, { name: 'b', after: 'a', handler: 'Steps::alt' }]);
    if (db.url.startsWith('postgres')) {
      await expect(engine({ templates: [changed], allowRedefine: true })).rejects.toThrow(
        /allowRedefine is refused on PostgreSQL/,
      );
      return;
    }
    const dev = await engine({ templates: [changed], allowRedefine: true });
    const done = await dev.run({ namespace: 'ecommerce', name: 'order_verification', context: {} });
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps.find((s) => s.name === 'b')!.results).toEqual({ alt: true });
    const stored = (await dev.store.definitions.getDefinition('ecommerce', 'order_verification', '1.0.0'))!;
    expect(JSON.stringify(stored.definition)).toContain('Steps::alt');
  });
});
