// Step results must survive the store unchanged: a result JSON would drop, change or refuse fails the attempt as
// a retryable `results_not_storable` error naming the path of the offending value; Dates (toJSON) are fine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const template = defineTask({
  name: 'results',
  namespace_name: 'storable',
  version: '1.0.0',
  module_namespace: 'Storable',
  step_templates: [{ name: 'produce', default_retry_limit: 2, retry: { base: 10, multiplier: 1, max: 10, jitter: 0 } }],
});

const cyclic = (): unknown => {
  const node: Record<string, unknown> = { name: 'root' };
  node['self'] = node;
  return { tree: node };
};

/** What the handler returns for each `context.kind`, and the path message expected. */
const BAD: Record<string, [() => unknown, string]> = {
  nan: [() => ({ items: [{ price: 1 }, { price: 2 }, { price: 3 }, { price: NaN }] }), 'results.items[3].price is NaN'],
  infinity: [() => ({ total: -Infinity }), 'results.total is -Infinity'],
  topNaN: [() => NaN, 'results is NaN'],
  fnInObject: [() => ({ format: () => 'x' }), 'results.format is a function'],
  undefinedInArray: [() => ({ list: [1, undefined, 3] }), 'results.list[1] is undefined'],
  symbol: [() => ({ tag: Symbol('t') }), 'results.tag is a symbol'],
  bigint: [() => ({ count: 10n }), 'results.count is a bigint'],
  surrogate: [() => ({ note: 'ok \uD800 broken' }), 'results.note contains a lone surrogate'],
  surrogateKey: [() => ({ ['k\uDC00']: 1 }), 'contains a lone surrogate'],
  map: [() => ({ byId: new Map([[1, 'a']]) }), 'results.byId is a Map'],
  cycle: [cyclic, 'results.tree.self is a circular reference'],
  oddKey: [() => ({ 'two words': [Symbol('s')] }), 'results["two words"][0] is a symbol'],
};

describe.each(STORE_KINDS)('step results that JSON cannot store on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Storable::ProduceHandler': async (task: { context: { kind: string } }) => {
          if (task.context.kind === 'date') return { at: new Date(0), nested: [{ when: new Date(1000) }] };
          return BAD[task.context.kind]![0]();
        },
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it.each(Object.keys(BAD))('%s: fails the attempt as retryable, naming the path', async (kind) => {
    const task = await tasker.run({ namespace: 'storable', name: 'results', context: { kind } }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    const step = task.workflow_steps[0]!;
    expect(step.attempts).toBe(2); // retried: the handler may return something storable next time
    expect(step.error?.code).toBe('results_not_storable');
    expect(step.error?.message).toContain(BAD[kind]![1]);
    expect(step.error?.message).toContain("step 'produce'");
    const history = await tasker.store.getHistory(task.task_id, step.workflow_step_id);
    expect(history.filter((h) => h.to_state === 'retrying')).toHaveLength(1);
  });

  it('stores objects with toJSON (Dates) as their JSON', async () => {
    const task = await tasker.run(
      { namespace: 'storable', name: 'results', context: { kind: 'date' } },
      { timeoutMs: 20_000 },
    );
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps[0]!.results).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      nested: [{ when: '1970-01-01T00:00:01.000Z' }],
    });
  });
});
