// SQLite migration 3 rebuilds `tasks` and `steps` (state CHECKs as OR chains): rows, ids, AUTOINCREMENT sequences,
// references and indexes survive, foreign keys are enforced again afterwards, and the state rules still hold.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';

describe('sqlite migration 3 (table rebuild)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-mig3-'));
    path = join(dir, 'tasker.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function seedVersion2(): void {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    expect(
      migrate(
        db,
        'test',
        undefined,
        MIGRATIONS.filter((m) => m.version <= 2),
      ),
    ).toEqual([1, 2]);
    const task = db.prepare(`INSERT INTO tasks (namespace, name, version, state, context, correlation_id, created_at,
      step_count, open_steps, satisfied_steps) VALUES ('ns', 't', '1.0.0', 'running', '{"a":1}', 'c', 5, 2, 1, 0)`);
    const step = db.prepare(`INSERT INTO steps (task_id, name, handler_class, state, unmet, retry_limit, retryable,
      skippable, ready_at) VALUES (?, ?, 'H', 'pending', ?, 3, 1, 0, ?)`);
    task.run();
    task.run();
    step.run(1, 'a', 0, 10);
    step.run(1, 'b', 1, null);
    step.run(2, 'a', 0, 10);
    db.prepare('INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (1, 2)').run();
    db.prepare(
      "INSERT INTO transitions (task_id, step_id, from_state, to_state, at) VALUES (1, 1, NULL, 'pending', 5)",
    ).run();
    // the highest ids are deleted: the rebuilt tables must not hand them out again
    db.prepare('DELETE FROM steps WHERE step_id = 3').run();
    db.close();
  }

  it('keeps rows, references, indexes and id sequences, and enforces states and foreign keys after', async () => {
    seedVersion2();
    const store = await openSqliteStore(path);
    const db = store.db;
    expect(db.prepare('SELECT MAX(version) FROM tasker_schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT step_id, task_id, name, unmet, ready_at FROM steps ORDER BY step_id').all()).toEqual([
      { step_id: 1, task_id: 1, name: 'a', unmet: 0, ready_at: 10 },
      { step_id: 2, task_id: 1, name: 'b', unmet: 1, ready_at: null },
    ]);
    expect(db.prepare('SELECT task_id, context, state FROM tasks ORDER BY task_id').all()).toEqual([
      { task_id: 1, context: '{"a":1}', state: 'running' },
      { task_id: 2, context: '{"a":1}', state: 'running' },
    ]);
    expect(db.prepare('SELECT * FROM step_edges').all()).toEqual([{ parent_step_id: 1, child_step_id: 2 }]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('tasks', 'steps')")
      .pluck()
      .all();
    expect(indexes).toEqual(
      expect.arrayContaining([
        'tasks_state_idx',
        'tasks_created_idx',
        'tasks_namespace_idx',
        'steps_claim_idx',
        'steps_running_idx',
      ]),
    );
    const insertStep =
      db.prepare(`INSERT INTO steps (task_id, name, handler_class, state, unmet, retry_limit, retryable,
      skippable) VALUES (?, ?, 'H', ?, 0, 3, 1, 0)`);
    expect(Number(insertStep.run(2, 'z', 'pending').lastInsertRowid)).toBe(4);
    expect(() => insertStep.run(2, 'y', 'bogus')).toThrow(/CHECK constraint failed/);
    expect(() => insertStep.run(99, 'y', 'pending')).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => db.prepare("UPDATE tasks SET state = 'retrying' WHERE task_id = 1").run()).toThrow(
      /CHECK constraint failed/,
    );
    expect(() => db.prepare('INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (1, 99)').run()).toThrow(
      /FOREIGN KEY/,
    );
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it('is applied once: reopening a migrated database changes nothing', async () => {
    seedVersion2();
    await (await openSqliteStore(path)).close();
    const store = await openSqliteStore(path);
    expect(store.db.prepare('SELECT COUNT(*) FROM tasker_schema_migrations WHERE version = 3').pluck().get()).toBe(1);
    expect(store.db.prepare('SELECT COUNT(*) FROM steps').pluck().get()).toBe(2);
    await store.close();
  });
});
