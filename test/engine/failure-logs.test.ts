// Issue 10 item 16: a worker logs each failed attempt (warn), each step that fails for good (error) and each task
// that fails (error) exactly once, at the default level, with the task, step, attempt and error in the fields.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { LEVEL, memoryLogger } from '../support/logs.js';

const template = defineTask({
  name: 'always_fails',
  namespace_name: 'logs',
  version: '1.0.0',
  module_namespace: 'Logs',
  step_templates: [{ name: 'doomed', default_retry_limit: 2, retry: { base: 20, multiplier: 1, max: 20, jitter: 0 } }],
});

describe.each(STORE_KINDS)('failure logs ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('logs the retry at warn, the give-up and the failed task at error, once each', async () => {
    db = make();
    const log = memoryLogger('warn');
    tasker = await openTestEngine(db, {
      logger: log.logger,
      templates: [template],
      handlers: {
        'Logs::DoomedHandler': () => {
          throw new Error('the gateway said no');
        },
      },
    });
    const task = await tasker.run({ namespace: 'logs', name: 'always_fails', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');

    const retries = log.find('step attempt failed');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      level: LEVEL.warn,
      task_id: task.task_id,
      task: 'logs/always_fails@1.0.0',
      step: 'doomed',
      attempt: 1,
      retry_limit: 2,
      error_class: 'Error',
      error_message: 'the gateway said no',
    });
    const gaveUp = log.find('step failed for good');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ level: LEVEL.error, task_id: task.task_id, step: 'doomed', attempt: 2 });
    expect(String(gaveUp[0]!.error_message)).toContain('gave up after 2 attempts');
    const failed = log.find('task failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: LEVEL.error, task_id: task.task_id, task: 'logs/always_fails@1.0.0' });
  });
});
