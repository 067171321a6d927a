// The store factory: URL forms it accepts for SQLite, the default URL and TASKER_DATABASE_URL, and clear errors
// for anything else.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUrlError } from '../../src/core/errors.js';
import { DEFAULT_STORE_URL, defaultStoreUrl, openStore, sqlitePathOf } from '../../src/store/open-store.js';

describe('openStore', () => {
  let dir: string;
  let cwd: string;
  let savedEnv: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-open-'));
    cwd = process.cwd();
    savedEnv = process.env.TASKER_DATABASE_URL;
    delete process.env.TASKER_DATABASE_URL;
  });
  afterEach(() => {
    process.chdir(cwd);
    if (savedEnv === undefined) delete process.env.TASKER_DATABASE_URL;
    else process.env.TASKER_DATABASE_URL = savedEnv;
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
    expect(defaultStoreUrl()).toBe(DEFAULT_STORE_URL);
    const store = await openStore();
    expect(store.kind).toBe('sqlite');
    expect(store.url).toBe('sqlite:.tasker/tasker.db');
    expect(existsSync(join(dir, '.tasker', 'tasker.db'))).toBe(true);
    await store.close();
  });

  it('takes the URL from TASKER_DATABASE_URL when none is given', async () => {
    const file = join(dir, 'from-env.db');
    process.env.TASKER_DATABASE_URL = `sqlite://${file}`;
    const store = await openStore(undefined);
    expect(store.url).toBe(`sqlite://${file}`);
    await store.close();
    expect(existsSync(file)).toBe(true);
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
