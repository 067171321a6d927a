// A map over a sub-workflow, on both stores: one child task per item (its context { item, index }), each linked to
// its instance of the mapped step, and the mapped step's results are the children's results in item order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const resize = defineTask({
  name: 'resize',
  namespace_name: 'media',
  version: '1.0.0',
  module_namespace: 'Media',
  step_templates: [{ name: 'scale' }],
});

const album = defineTask({
  name: 'album',
  namespace_name: 'media',
  version: '1.0.0',
  module_namespace: 'Media',
  step_templates: [
    {
      name: 'each_photo',
      map: { over: 'context.photos', max_parallel: 2 },
      subtask: { namespace: 'media', name: 'resize' },
    },
    { name: 'publish', depends_on_step: 'each_photo' },
  ],
});

type Seq = { findStepByName(n: string): { results: unknown } };

describe.each(STORE_KINDS)('a map over a sub-workflow on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [resize, album],
      pollIntervalMs: 50,
      handlers: {
        'Media::ScaleHandler': (task: { context: { item: string; index: number } }) => ({
          file: `${task.context.item}@2x`,
          index: task.context.index,
        }),
        'Media::PublishHandler': (_t: unknown, seq: Seq) => ({ published: seq.findStepByName('each_photo').results }),
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('runs one child per item and completes with their results in item order', async () => {
    const photos = ['a.jpg', 'b.jpg', 'c.jpg'];
    const done = await tasker.run({ namespace: 'media', name: 'album', context: { photos } }, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('completed');
    const step = done.workflow_steps.find((s) => s.name === 'each_photo')!;
    expect(step.results).toEqual(photos.map((p, i) => ({ scale: { file: `${p}@2x`, index: i } })));
    expect(step.map?.size).toBe(3);
    expect(done.subtasks).toHaveLength(3);
    const instanceIds = step.map!.instances.map((i) => i.workflow_step_id);
    expect(done.subtasks.map((c) => c.parent_step_id).sort()).toEqual([...instanceIds].sort());
    for (const c of done.subtasks) {
      const child = (await tasker.getTask(c.task_id))!;
      expect(child.parent_task_id).toBe(done.task_id);
      expect(child.context).toMatchObject({ item: photos[(child.context as { index: number }).index] });
    }
  });
});
