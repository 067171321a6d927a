// Issue 10 item 7 on SQLite: a completion that fails with SQLITE_FULL (a real one, from PRAGMA max_page_count) is
// kept and written again once there is room; the step that succeeded is recorded completed at its first attempt,
// never turned into a failure, and its handler is not run again.
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { Tasker } from '../../src/engine/tasker.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { memoryLogger } from '../support/logs.js';
import { waitFor } from '../store/conformance/fixtures.js';

const template = defineTask({
  name: 'big_result',
  namespace_name: 'outage',
  version: '1.0.0',
  module_namespace: 'Outage',
  // One attempt only: a success turned into a failure could not hide behind a retry.
  step_templates: [
    { name: 'write', default_retry_limit: 1 },
    { name: 'after', depends_on_step: 'write' },
  ],
});

/** From now on, writes on this connection that need a new page fail with SQLITE_FULL. */
function fillDisk(store: SqliteStore): void {
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages}`);
}

function makeRoom(store: SqliteStore): void {
  store.db.pragma('max_page_count = 1073741823');
}

describe('a full disk while a step completes (SQLite)', () => {
  let db: TestDb | undefined;
  let tasker: Tasker | undefined;
  afterEach(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('keeps the outcome, retries the write, and records the success once there is room', async () => {
    db = sqliteDb();
    const store = await openSqliteStore(db.url.slice('sqlite:'.length));
    const log = memoryLogger('warn');
    let runs = 0;
    tasker = await Tasker.open({
      db: store,
      logger: log.logger,
      pollIntervalMs: 200,
      templates: [template],
      handlers: {
        'Outage::WriteHandler': () => {
          runs += 1;
          fillDisk(store); // the disk fills up while the handler works
          return { blob: 'x'.repeat(200_000) };
        },
        'Outage::AfterHandler': () => ({ ok: true }),
      },
    });
    const { task_id } = await tasker.submit({ namespace: 'outage', name: 'big_result', context: {} });
    const failures = await waitFor(async () => {
      const lines = log.find('store operation failed');
      return lines.length >= 3 && lines;
    }, 'the completion to fail a few times');
    expect(JSON.stringify(failures[0])).toContain('SQLITE_FULL');
    expect((await store.getTask(task_id))!.workflow_steps[0]!.current_state).toBe('running');
    makeRoom(store);
    const task = await tasker.waitForTask(task_id, { timeoutMs: 20_000 });
    expect(task.current_state).toBe('completed');
    const write = task.workflow_steps.find((s) => s.name === 'write')!;
    expect(write.current_state).toBe('completed');
    expect(write.attempts).toBe(1);
    expect((write.results as { blob: string }).blob).toHaveLength(200_000);
    expect(runs).toBe(1);
    expect(log.find('the store refused')).toEqual([]);
  });
});
