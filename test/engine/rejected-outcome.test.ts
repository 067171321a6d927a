// An outcome the store refuses for good (PostgreSQL cannot store a NUL character in jsonb) fails only its own
// attempt, with the store's reason — retried while attempts remain (the handler may return something storable next
// time), failed after the last; the other outcomes of the same batch are recorded and their tasks complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { postgresDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';

const template = defineTask({
  name: 'results',
  namespace_name: 'reject',
  version: '1.0.0',
  module_namespace: 'Reject',
  step_templates: [{ name: 'produce' }, { name: 'after', depends_on_step: 'produce' }],
});

describe('an outcome the store refuses (PostgreSQL)', () => {
  let db: TestDb;
  let tasker: Tasker;
  beforeAll(async () => {
    db = postgresDb();
    tasker = await openTestEngine(db, {
      templates: [template],
      handlers: {
        'Reject::ProduceHandler': (task: { context: { bad?: boolean } }) =>
          task.context.bad ? { text: 'nul \u0000 inside' } : { text: 'fine' },
        'Reject::AfterHandler': () => ({ ok: true }),
      },
      concurrency: 20,
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('fails only the attempts whose results cannot be stored, retrying them, and the rest of the batch completes', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        tasker.submit({ namespace: 'reject', name: 'results', context: { bad: i === 3 } }).then((r) => r.task_id),
      ),
    );
    const tasks = await Promise.all(ids.map((id) => tasker.waitForTask(id, { timeoutMs: 30_000 })));
    const bad = tasks[3]!;
    expect(bad.current_state).toBe('failed');
    expect(bad.workflow_steps[0]!.error?.class).toBe('StoreRejectedError');
    expect(bad.workflow_steps[0]!.error?.message).toContain("the store refused this step's outcome");
    expect(bad.workflow_steps[0]!.attempts).toBe(3); // retried up to the default limit, then failed
    const history = await tasker.store.getHistory(bad.task_id, bad.workflow_steps[0]!.workflow_step_id);
    expect(history.filter((h) => h.to_state === 'retrying').length).toBe(2);
    expect(tasks.filter((t, i) => i !== 3).every((t) => t.current_state === 'completed')).toBe(true);
  });
});
