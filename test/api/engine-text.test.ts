// Engine/store fixes found by the API fuzz test: text PostgreSQL cannot store — NUL in a request's text fields,
// unpaired UTF-16 surrogates in a context — is refused as an invalid request naming what is wrong, instead of
// failing inside the database driver (a 500 over HTTP). Both stores refuse alike: nothing is stored that one of
// them could not hold as given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { InvalidRequestError } from '../../src/core/errors.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';

describe.each(STORE_KINDS)('NUL characters in task requests on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: API_TEMPLATES,
      handlers: apiHandlers(new Controls()),
      concurrency: 0,
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it.each([
    ['reason', { reason: 'a\u0000b' }],
    ['idempotency_key', { idempotency_key: 'k\u0000' }],
    ['initiator', { initiator: '\u0000' }],
    ['source_system', { source_system: 'x\u0000' }],
    ['tags', { tags: ['ok', 'b\u0000d'] }],
  ])('rejects a NUL in %s', async (field, extra) => {
    const err = await tasker.submit({ namespace: 'api', name: 'fanout', ...extra }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).details).toEqual([expect.objectContaining({ field })]);
    expect((await tasker.listTasks({})).tasks).toEqual([]);
  });

  it.each([
    [{ k: '\ud800' }, 'context.k'],
    [{ '\udc00': 1 }, 'context.\udc00'],
    [{ deep: [{ x: 'a\udbffb' }] }, 'context.deep.0.x'],
  ])('refuses a context with an unpaired surrogate (%j) as an invalid request naming %s', async (context, field) => {
    const err = await tasker.submit({ namespace: 'api', name: 'fanout', context }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).message).toMatch(/lone surrogate/);
    expect((err as InvalidRequestError).details).toEqual([expect.objectContaining({ field })]);
    expect((await tasker.listTasks({})).tasks).toEqual([]);
  });
});
