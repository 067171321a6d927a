// The store factory: URL forms it accepts for SQLite, the default URL, and clear errors for anything else.
// (TASKER_DATABASE_URL is read by the option resolver: test/engine/tasker-options.test.ts.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUrlError } from '../../src/core/errors.js';
import { TASKER_DEFAULTS } from '../../src/core/defaults.js';
import { openStore, sqlitePathOf } from '../../src/store/open-store.js';

describe('openStore', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-open-'));
    cwd = process.cwd();
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses the SQLite URL forms', () => {
    expect(sqlitePathOf('sqlite::memory:')).toBe(':memory:');
    expect(sqlitePathOf('sqlite://:memory:')).toBe(':memory:');
    expect(sqlitePathOf('sqlite:/abs/x.db')).toBe('/abs/x.db');
    expect(sqlitePathOf('sqlite:///abs/x.db')).toBe('/abs/x.db');
    expect(sqlitePathOf('sqlite:rel/x.db')).toBe(resolve('rel/x.db'));
    expect(sqlitePathOf('sqlite://rel/x.db')).toBe(resolve('rel/x.db'));
    expect(sqlitePathOf('postgres://x')).toBeNull();
    expect(() => sqlitePathOf('sqlite:')).toThrow(StoreUrlError);
  });

  it('opens the default embedded store under .tasker/, creating the directory', async () => {
    process.chdir(dir);
    const store = await openStore();
    expect(store.kind).toBe('sqlite');
    expect(store.url).toBe(TASKER_DEFAULTS.db);
    expect(existsSync(join(dir, '.tasker', 'tasker.db'))).toBe(true);
    await store.close();
  });

  it('opens in-memory and absolute-path stores', async () => {
    const mem = await openStore('sqlite::memory:');
    await mem.ping();
    await mem.close();
    const file = await openStore(`sqlite:${join(dir, 'a', 'b.db')}`);
    expect(file.url).toBe(`sqlite:${join(dir, 'a', 'b.db')}`);
    await file.close();
  });

  it('rejects unknown URL forms, listing the accepted ones without leaking passwords', async () => {
    await expect(openStore('mysql://u:secret@host/db')).rejects.toBeInstanceOf(StoreUrlError);
    await expect(openStore('mysql://u:secret@host/db')).rejects.toThrow(/accepted forms: sqlite:<path>.*postgres:\/\//);
    await expect(openStore('mysql://u:secret@host/db')).rejects.not.toThrow(/secret/);
    await expect(openStore('tasker.db')).rejects.toThrow(/unsupported store URL "tasker.db"/);
  });
});
