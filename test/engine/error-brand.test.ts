// How the engine recognises Tasker's errors: by the `Symbol.for('tasker.error')` brand, never by class name. A
// user's own class that happens to be called PermanentError is an ordinary (retryable) error; the classes of another
// copy of the package (a handlers module importing the built `dist` while the engine runs from `src`) still count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import * as errors from '../../src/core/errors.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const BRAND = Symbol.for('tasker.error');

const template = defineTask({
  name: 'brand',
  namespace_name: 'errors',
  version: '1.0.0',
  module_namespace: 'Brand',
  step_templates: [
    { name: 'throws', default_retry_limit: 3, retry: { base: 60_000, multiplier: 1, max: 60_000, jitter: 0 } },
  ],
});

/** A second, separately bundled copy of src/core/errors.ts: what `dist` is to `src`. */
async function otherCopy(dir: string): Promise<typeof errors> {
  const outfile = join(dir, 'errors-copy.mjs');
  await build({
    entryPoints: [resolve(import.meta.dirname, '../../src/core/errors.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as typeof errors;
}

describe('Tasker errors are recognised by their brand', () => {
  let db: TestDb;
  let tasker: Tasker;
  let dir: string;
  let copy: typeof errors;
  let thrown: () => unknown = () => new Error('unset');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-brand-'));
    copy = await otherCopy(dir);
    db = sqliteDb();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Brand::ThrowsHandler': (_task: unknown, _sequence: unknown, step: { attempts: number }) => {
          if (step.attempts > 1) return { attempt: step.attempts };
          throw thrown();
        },
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runWith(error: () => unknown) {
    thrown = error;
    const task = await tasker.run({ namespace: 'errors', name: 'brand', context: {} }, { timeoutMs: 20_000 });
    return { task, step: task.workflow_steps[0]! };
  }

  /** Submit a task whose step throws `error` once; resolve with how its first attempt's failure was handled. */
  async function firstFailure(error: () => unknown): Promise<{ event: string; delay_ms: unknown }> {
    thrown = error;
    let taskId = -1;
    const seen: Array<{ event: string; task_id: number; delay_ms?: unknown }> = [];
    let wake = (): void => undefined;
    const off = tasker.subscribe(
      (e: unknown) => {
        seen.push(e as (typeof seen)[number]);
        wake();
      },
      ['step.attempt_failed', 'step.failed'],
    );
    try {
      taskId = (await tasker.submit({ namespace: 'errors', name: 'brand', context: {} })).task_id;
      for (;;) {
        const e = seen.find((x) => x.task_id === taskId);
        if (e) return { event: e.event, delay_ms: e.delay_ms };
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      off();
      await tasker.cancelTask(taskId);
    }
  }

  it("treats a user's own class named PermanentError as an ordinary retryable error", async () => {
    class PermanentError extends Error {
      override name = 'PermanentError';
    }
    expect(await firstFailure(() => new PermanentError('not the real one'))).toEqual({
      event: 'step.attempt_failed',
      delay_ms: 60_000,
    });
  });

  it("ignores retryAfter on a user's own class named RetryableError (the policy's 60 s applies)", async () => {
    class RetryableError extends Error {
      override name = 'RetryableError';
      readonly retryAfter = 0;
    }
    expect(await firstFailure(() => new RetryableError('not the real one either'))).toEqual({
      event: 'step.attempt_failed',
      delay_ms: 60_000,
    });
  });

  it("never retries another copy's PermanentError", async () => {
    const { task, step } = await runWith(() => new copy.PermanentError('declined', { errorCode: 'declined' }));
    expect(task.current_state).toBe('failed');
    expect(step.attempts).toBe(1);
    expect(step.error).toMatchObject({ class: 'PermanentError', code: 'declined' });
  });

  it("honours another copy's RetryableError retryAfter over the 60 s policy", async () => {
    const { task, step } = await runWith(() => new copy.RetryableError('busy', { retryAfter: 0 }));
    expect(task.current_state).toBe('completed');
    expect(step.attempts).toBe(2);
  });

  it('never retries anything thrown that carries the permanent brand, even a plain object', async () => {
    const { task, step } = await runWith(() => ({ [BRAND]: 'permanent', message: 'branded' }));
    expect(task.current_state).toBe('failed');
    expect(step.attempts).toBe(1);
  });

  it('isTaskerError: the brand of any copy, not the class name', () => {
    class TaskerError extends Error {
      override name = 'TaskerError';
      readonly code = 'not_found';
    }
    expect(errors.isTaskerError(new errors.TaskerError('x', 'invalid_option'))).toBe(true);
    expect(errors.isTaskerError(new errors.NotFoundError('x'))).toBe(true);
    expect(errors.isTaskerError(new copy.NotFoundError('x'))).toBe(true);
    expect(errors.isTaskerError(new TaskerError('x'))).toBe(false);
    expect(errors.isTaskerError(new errors.PermanentError('x'))).toBe(false);
    expect(errors.isTaskerError(new Error('x'))).toBe(false);
    expect(errors.isTaskerError(null)).toBe(false);
    expect(errors.isTaskerError('TaskerError')).toBe(false);
    expect((new errors.PermanentError('x') as unknown as Record<symbol, unknown>)[BRAND]).toBe('permanent');
    expect((new errors.RetryableError('x') as unknown as Record<symbol, unknown>)[BRAND]).toBe('retryable');
  });
});
