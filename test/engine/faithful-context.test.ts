// The library refuses what it could not store as given (both stores): submit() checks the context (NaN, Infinity,
// functions, undefined and holes in arrays, BigInt, Maps, cycles, unpaired surrogates, integers beyond ±(2^53−1))
// and the text fields, operator results and annotations are checked by the store — each refusal names the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { InvalidRequestError } from '../../src/core/errors.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const plain = defineTask({
  name: 'plain',
  namespace_name: 'fid',
  version: '1.0.0',
  module_namespace: 'Fid',
  step_templates: [{ name: 'one' }],
});

async function refusal(work: () => Promise<unknown>): Promise<InvalidRequestError> {
  try {
    await work();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return err as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError');
}

const fields = (err: InvalidRequestError) => (err.details as Array<{ field: string }>).map((d) => d.field);

describe.each(STORE_KINDS)('faithful values through the library on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [plain],
      handlers: { 'Fid::OneHandler': () => ({}) },
      concurrency: 0,
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  const submit = (extra: Record<string, unknown>) => tasker.submit({ namespace: 'fid', name: 'plain', ...extra });

  it('refuses a context JSON would change, naming every bad field', async () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: NaN }, 'context.amount'],
      [{ amount: Infinity }, 'context.amount'],
      [{ nested: { amount: -Infinity } }, 'context.nested.amount'],
      [{ f: () => 1 }, 'context.f'],
      [{ list: [1, undefined, 3] }, 'context.list.1'],
      // eslint-disable-next-line no-sparse-arrays
      [{ list: [1, , 3] }, 'context.list.1'],
      [{ big: 2 ** 53 }, 'context.big'],
      [{ n: 10n }, 'context.n'],
      [{ s: Symbol('x') }, 'context.s'],
      [{ m: new Map([['a', 1]]) }, 'context.m'],
      [{ d: new Date('not a date') }, 'context.d'],
      [{ text: 'a\ud800b' }, 'context.text'],
      [{ ['k\udc00']: 1 }, 'context.k\udc00'],
      [cycle, 'context.self'],
    ];
    for (const [context, field] of cases) {
      const err = await refusal(() => submit({ context }));
      expect(fields(err), field).toContain(field);
    }
    const many = await refusal(() => submit({ context: { a: NaN, b: [undefined], c: 'ok' } }));
    expect(fields(many)).toEqual(['context.a', 'context.b.0']);
    expect((await tasker.listTasks()).tasks).toHaveLength(0);
  });

  it('refuses unpaired surrogates in the text fields', async () => {
    expect(fields(await refusal(() => submit({ idempotency_key: 'k-\ud800' })))).toContain('idempotency_key');
    expect(fields(await refusal(() => submit({ tags: ['ok', '\udfff'] })))).toContain('tags.1');
    expect(fields(await refusal(() => submit({ initiator: 'x\ud800' })))).toContain('initiator');
    expect((await tasker.listTasks()).tasks).toHaveLength(0);
  });

  it('accepts what JSON holds: safe integers, Dates (as ISO text), undefined properties, surrogate pairs', async () => {
    const when = new Date('2024-05-01T12:00:00Z');
    const res = await submit({
      context: { id: Number.MAX_SAFE_INTEGER, when, gone: undefined, smile: '😀' },
      idempotency_key: 'k-😀',
    });
    const task = await tasker.getTask(res.task_id);
    expect(task?.context).toEqual({ id: Number.MAX_SAFE_INTEGER, when: '2024-05-01T12:00:00.000Z', smile: '😀' });
    expect(task?.idempotency_key).toBe('k-😀');
  });

  it('refuses operator results and annotations the store could not keep as given', async () => {
    const { task_id } = await submit({ context: {} });
    const step = (await tasker.getTask(task_id))!.workflow_steps[0]!.workflow_step_id;
    const err = await refusal(() =>
      tasker.operate({
        type: 'resolve_step',
        task_id,
        step_id: step,
        actor: 'test',
        reason: null,
        results: { total: NaN },
      }),
    );
    expect(fields(err)).toEqual(['results.total']);
    expect((await tasker.getTask(task_id))!.workflow_steps[0]!.current_state).toBe('pending');
    const annotation = await refusal(() => tasker.store.addAnnotation(task_id, 'note', { list: [() => 1] }));
    expect(fields(annotation)).toEqual(['content.list.0']);
  });
});
