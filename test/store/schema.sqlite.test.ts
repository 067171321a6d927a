// SQLite-only behaviour: the migrations table, running on or refusing a newer schema, connection settings, and data
// surviving a reopen.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreSchemaError } from '../../src/core/errors.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { linear, newTask, ok } from './conformance/fixtures.js';

describe('sqlite schema and connection', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-schema-'));
    path = join(dir, 'nested', 'deeper', 'tasker.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file and its directory, and records applied migrations', async () => {
    const store = await openSqliteStore(path);
    const rows = store.db
      .prepare('SELECT version, name, applied_at FROM tasker_schema_migrations ORDER BY version')
      .all() as Array<{ version: number; name: string; applied_at: number }>;
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows[0]!.name).toBe('initial schema');
    expect(rows.at(-1)!.version).toBe(LATEST_SCHEMA_VERSION);
    const tables = (
      store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
    ).sort();
    expect(tables).toEqual(
      expect.arrayContaining(['annotations', 'step_edges', 'steps', 'tasks', 'transitions', 'workers']),
    );
    await store.close();
    const again = await openSqliteStore(path);
    expect(again.db.prepare('SELECT COUNT(*) FROM tasker_schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    await again.close();
  });

  it('runs in WAL mode with synchronous=NORMAL, a busy timeout and foreign keys on', async () => {
    const store = await openSqliteStore(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    await store.close();
  });

  /** Records migrations of a newer Tasker in the file: [version, name, compatible_from]. */
  function recordFuture(store: SqliteStore, rows: Array<[number, string, number]>): void {
    const insert = store.db.prepare(
      'INSERT INTO tasker_schema_migrations (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?)',
    );
    for (const [version, name, compatibleFrom] of rows) insert.run(version, name, Date.now(), compatibleFrom);
  }

  it('runs on a file a newer Tasker migrated when its later migrations keep this release working', async () => {
    const store = await openSqliteStore(path);
    recordFuture(store, [[LATEST_SCHEMA_VERSION + 5, 'an expand-only step', 0]]);
    await store.close();
    for (const migrate of [true, false]) {
      const again = await openSqliteStore(path, { migrate });
      const { task_id } = await again.createTask(newTask(linear()));
      expect((await again.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 }))[0]!.task.task_id).toBe(task_id);
      expect(again.db.prepare('SELECT MAX(version) FROM tasker_schema_migrations').pluck().get()).toBe(
        LATEST_SCHEMA_VERSION + 5,
      );
      await again.close();
    }
  });

  it('refuses a file whose newer migration needs a newer Tasker, naming it and both versions', async () => {
    const store = await openSqliteStore(path);
    recordFuture(store, [
      [LATEST_SCHEMA_VERSION + 1, 'an expand-only step', 0],
      [LATEST_SCHEMA_VERSION + 5, 'drop a column', LATEST_SCHEMA_VERSION + 2],
    ]);
    await store.close();
    for (const migrate of [true, false]) {
      const attempt = openSqliteStore(path, { migrate });
      await expect(attempt).rejects.toBeInstanceOf(StoreSchemaError);
      await expect(attempt).rejects.toThrow(
        `has schema version ${LATEST_SCHEMA_VERSION + 5}, and its migration ${LATEST_SCHEMA_VERSION + 5} ` +
          `(drop a column) needs a Tasker that knows version ${LATEST_SCHEMA_VERSION + 2} or later; this one ` +
          `knows versions up to ${LATEST_SCHEMA_VERSION}: upgrade Tasker`,
      );
    }
  });

  it('applies only migrations not yet applied, in order', () => {
    const db = new Database(':memory:');
    const extra = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'add a column', sql: 'ALTER TABLE workers ADD COLUMN zone TEXT' },
    ];
    expect(migrate(db, 'test', undefined, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, 'test', undefined, extra)).toEqual([LATEST_SCHEMA_VERSION + 1]);
    expect(migrate(db, 'test', undefined, extra)).toEqual([]);
    // the older code runs on it: the extra migration left it working (compatibleFrom unset)
    expect(migrate(db, 'test', undefined, MIGRATIONS)).toEqual([]);
    const contract = [
      ...extra,
      { version: LATEST_SCHEMA_VERSION + 2, name: 'drop a column', sql: '', compatibleFrom: LATEST_SCHEMA_VERSION + 1 },
    ];
    expect(migrate(db, 'test', undefined, contract)).toEqual([LATEST_SCHEMA_VERSION + 2]);
    expect(() => migrate(db, 'test', undefined, extra)).not.toThrow();
    expect(() => migrate(db, 'test', undefined, MIGRATIONS)).toThrow(StoreSchemaError);
    db.close();
  });

  it('reports a failing migration as StoreSchemaError and leaves nothing half-applied', () => {
    const db = new Database(':memory:');
    migrate(db, 'test');
    const broken = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE ok_table (x); NOT SQL' },
    ];
    expect(() => migrate(db, 'test', undefined, broken)).toThrow(/migration .* \(broken\) failed/);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok_table'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT MAX(version) FROM tasker_schema_migrations').pluck().get()).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('keeps tasks, steps, history and results across a reopen', async () => {
    const store = await openSqliteStore(path);
    const { task_id } = await store.createTask(newTask(linear(), { idempotency_key: 'keep-me' }));
    const [a] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    await store.completeSteps([ok(a!, { kept: true })], { workerId: 'w' });
    await store.addAnnotation(task_id, 'note', { n: 1 });
    const before = await store.getTask(task_id);
    const history = await store.getHistory(task_id);
    await store.close();

    const reopened = await openSqliteStore(path);
    expect(await reopened.getTask(task_id)).toEqual(before);
    expect(await reopened.getHistory(task_id)).toEqual(history);
    expect(await reopened.findTaskByIdempotencyKey('keep-me')).toBe(task_id);
    const [b] = await reopened.claimSteps({ workerId: 'w2', limit: 5, leaseMs: 60_000 });
    expect(b).toMatchObject({ name: 'b', task_started: false });
    await reopened.close();
    await reopened.close();
  });
});
