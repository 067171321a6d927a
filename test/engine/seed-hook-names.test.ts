// Hooks and subscriber methods written in the seed's snake_case (`establish_step_dependencies_and_defaults`,
// `update_annotations`, `handle_step_completed`, `subscribe_to`) are called like their camelCase twins; a handler
// defining both spellings of one hook is refused rather than one of them being ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { ConfiguredTask, type PlannedStep, type TaskView } from '../../src/core/handler-api.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const steps = [{ name: 'a' }, { name: 'b', depends_on_step: 'a' }];
const template = (name: string, taskHandler: string) =>
  defineTask({
    name,
    namespace_name: 'seed',
    version: '1.0.0',
    module_namespace: 'Seed',
    task_handler_class: taskHandler,
    step_templates: steps,
  });

class PlainSnakeTask {
  establish_step_dependencies_and_defaults(task: TaskView, planned: PlannedStep[]) {
    if (task.context.skip_b) planned.find((s) => s.name === 'b')!.update({ enabled: false });
  }
  async update_annotations(
    task: TaskView,
    _sequence: unknown,
    finished: Array<{ name: string; current_state: string }>,
  ) {
    await task.annotations.create({
      annotation_type: 'snake',
      content: finished.map((s) => `${s.name}:${s.current_state}`),
    });
  }
}

class ConfiguredSnakeTask extends ConfiguredTask {
  update_annotations(task: TaskView) {
    return task.annotations.create({ annotation_type: 'configured_snake', content: true });
  }
}

class BothSpellingsTask extends ConfiguredTask {
  override updateAnnotations() {}
  update_annotations() {}
}

const received: string[] = [];

class SnakeSubscriber {
  static subscribe_to = ['step.completed', 'task.completed'];
  handle_step_completed(event: { step_name: string }) {
    received.push(`step:${event.step_name}`);
  }
  handle_task_completed(event: { task_name: string }) {
    received.push(`task:${event.task_name}`);
  }
}

class WildcardSnakeSubscriber {
  static subscribeTo = ['*'];
  handle_step_started(event: { step_name: string }) {
    received.push(`started:${event.step_name}`);
  }
}

describe('seed snake_case hook and subscriber names', () => {
  let db: TestDb;
  let tasker: Tasker;

  beforeAll(async () => {
    db = sqliteDb();
    tasker = await openTestEngine(db, {
      templates: [
        template('plain', 'Seed::PlainSnakeTask'),
        template('configured', 'Seed::ConfiguredSnakeTask'),
        template('both', 'Seed::BothSpellingsTask'),
      ],
      handlers: {
        'Seed::PlainSnakeTask': PlainSnakeTask,
        'Seed::ConfiguredSnakeTask': ConfiguredSnakeTask,
        'Seed::BothSpellingsTask': BothSpellingsTask,
        'Seed::AHandler': () => ({ a: 1 }),
        'Seed::BHandler': () => ({ b: 1 }),
      },
      subscribers: [SnakeSubscriber, WildcardSnakeSubscriber],
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('calls establish_step_dependencies_and_defaults and update_annotations', async () => {
    const task = await tasker.run(
      { namespace: 'seed', name: 'plain', context: { skip_b: true } },
      { timeoutMs: 20_000 },
    );
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps.find((s) => s.name === 'b')!.current_state).toBe('skipped');
    expect(task.annotations.map((a) => [a.annotation_type, a.content])).toEqual([
      ['snake', ['a:completed', 'b:skipped']],
    ]);
  });

  it('prefers a ConfiguredTask subclass snake_case hook over the inherited no-op', async () => {
    const task = await tasker.run({ namespace: 'seed', name: 'configured', context: {} }, { timeoutMs: 20_000 });
    expect(task.annotations.map((a) => a.annotation_type)).toEqual(['configured_snake']);
  });

  it('refuses a task handler that defines both spellings of one hook', async () => {
    await expect(tasker.submit({ namespace: 'seed', name: 'both', context: {} })).rejects.toThrow(
      "task handler 'Seed::BothSpellingsTask' defines both updateAnnotations and update_annotations; keep one",
    );
  });

  it('delivers events to handle_<event> methods, with subscribe_to or subscribeTo', async () => {
    received.length = 0;
    await tasker.run({ namespace: 'seed', name: 'configured', context: {} }, { timeoutMs: 20_000 });
    await tasker.idle();
    expect(received).toEqual(expect.arrayContaining(['step:a', 'step:b', 'task:configured', 'started:a', 'started:b']));
  });
});
