// Issue 10 item 16: a worker logs each failed attempt (warn), each step that fails for good (error) and each task
// that fails (error) exactly once, at the default level. Issue 12 (Logs): each of those lines, and each line a
// handler writes with `step.logger`, carries task_id, workflow_step_id, step, namespace, task, correlation_id and
// attempt (trace_id and span_id too when tracing gives them), from one logger per attempt.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import type { StepLogger } from '../../src/core/step-logger.js';
import type { TaskJson } from '../../src/engine/task-json.js';
import { setTraceLogFieldsProvider } from '../../src/telemetry/log-fields.js';
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

/** The fields every line about attempt `attempt` of the task's only step carries. */
function stepFields(task: TaskJson, attempt: number) {
  return {
    task_id: task.task_id,
    workflow_step_id: task.workflow_steps[0]!.workflow_step_id,
    step: 'doomed',
    namespace: 'logs',
    task: 'logs/always_fails@1.0.0',
    correlation_id: task.correlation_id,
    attempt,
  };
}

describe.each(STORE_KINDS)('failure logs ($kind)', ({ make }) => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    setTraceLogFieldsProvider(undefined);
    await tasker?.close();
    await db?.cleanup();
  });

  it('logs the retry at warn, the give-up and the failed task at error, once each, with the task and step', async () => {
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
      ...stepFields(task, 1),
      level: LEVEL.warn,
      retry_limit: 2,
      error_class: 'Error',
      error_message: 'the gateway said no',
    });
    const gaveUp = log.find('step failed for good');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ ...stepFields(task, 2), level: LEVEL.error });
    expect(String(gaveUp[0]!.error_message)).toContain('gave up after 2 attempts');
    const failed = log.find('task failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: LEVEL.error,
      task_id: task.task_id,
      namespace: 'logs',
      task: 'logs/always_fails@1.0.0',
      correlation_id: task.correlation_id,
    });
    expect(failed[0]).not.toHaveProperty('workflow_step_id');
  });

  it("gives handlers step.logger, bound to the attempt, one per attempt; the engine's failure line uses it too", async () => {
    db = make();
    const log = memoryLogger('debug');
    const seen: Array<{ same: boolean; logger: StepLogger }> = [];
    setTraceLogFieldsProvider(() => ({ trace_id: 'a'.repeat(32), span_id: String(seen.length).padStart(16, '0') }));
    tasker = await openTestEngine(db, {
      logger: log.logger,
      templates: [template],
      handlers: {
        'Logs::DoomedHandler': (_task: unknown, _sequence: unknown, step: { logger: StepLogger }) => {
          seen.push({ same: step.logger === step.logger, logger: step.logger });
          step.logger.debug('checking the gateway');
          step.logger.child({ gateway: 'acme' }).warn({ status: 503 }, 'the gateway is down');
          throw new Error('the gateway said no');
        },
      },
    });
    const task = await tasker.run({ namespace: 'logs', name: 'always_fails', context: {} }, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('failed');

    expect(seen.map((s) => s.same)).toEqual([true, true]); // made once per attempt, not per read
    expect(seen[0]!.logger).not.toBe(seen[1]!.logger); // a new attempt, a new logger
    const trace = (attempt: number) => ({ trace_id: 'a'.repeat(32), span_id: String(attempt - 1).padStart(16, '0') });
    for (const attempt of [1, 2]) {
      const fields = { ...stepFields(task, attempt), ...trace(attempt) };
      const mine = log.lines.filter((l) => l.attempt === attempt);
      expect(mine.find((l) => l.msg === 'checking the gateway')).toMatchObject({ ...fields, level: 20 });
      expect(mine.find((l) => l.msg === 'the gateway is down')).toMatchObject({
        ...fields,
        level: LEVEL.warn,
        gateway: 'acme',
        status: 503,
      });
      const engineLine = attempt === 1 ? 'step attempt failed' : 'step failed for good';
      expect(mine.find((l) => l.msg.startsWith(engineLine))).toMatchObject(fields);
    }
  });

  it('writes no trace fields when no tracing provider is registered', async () => {
    db = make();
    const log = memoryLogger('info');
    tasker = await openTestEngine(db, {
      logger: log.logger,
      templates: [template],
      handlers: {
        'Logs::DoomedHandler': (_task: unknown, _sequence: unknown, step: { logger: StepLogger }) => {
          step.logger.info('about to fail');
          throw new Error('no');
        },
      },
    });
    await tasker.run({ namespace: 'logs', name: 'always_fails', context: {} }, { timeoutMs: 20_000 });
    const lines = log.find('about to fail');
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l).toHaveProperty('workflow_step_id');
      expect(l).not.toHaveProperty('trace_id');
      expect(l).not.toHaveProperty('span_id');
    }
  });
});
