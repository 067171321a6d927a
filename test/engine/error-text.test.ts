// A handler error whose message holds text PostgreSQL cannot store (an unpaired UTF-16 surrogate) is still recorded
// as that step's failure, with U+FFFD in its place, on both stores — the error is a diagnostic, and losing it (the
// store refusing the failure) would hide why the step failed.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const template = defineTask({
  name: 'odd_error',
  namespace_name: 'errors',
  version: '1.0.0',
  module_namespace: 'Errors',
  step_templates: [{ name: 'throws', default_retry_limit: 1 }],
});

describe.each(STORE_KINDS)('error text ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('records an error message with an unpaired surrogate, replaced by U+FFFD', async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Errors::ThrowsHandler': () => {
          throw new Error('bad byte \ud800 here');
        },
      },
    });
    const task = await tasker.run({ namespace: 'errors', name: 'odd_error', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');
    expect(task.workflow_steps[0]!.error).toMatchObject({
      class: 'Error',
      message: expect.stringContaining('bad byte \ufffd here'),
    });
  });
});
