// The store conformance suite on a SQLite file upgraded from the first migration: every test gets a file holding
// migration 1 only (as the first release left it), which opening the store migrates to the latest version (through
// migration 3's table rebuild). Existing files run the migrations one after another; this proves they end up in a
// store that keeps every rule, not only fresh ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { LATEST_SCHEMA_VERSION } from '../../src/store/sqlite/migrations.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { installSqliteSchema } from '../support/old-schema.js';
import { storeConformanceSuite } from './conformance.js';

storeConformanceSuite('sqlite upgraded from migration 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-upgraded-'));
  const path = join(dir, 'tasker.db');
  installSqliteSchema(path, 1);
  const store = (await openStore(`sqlite:${path}`)) as SqliteStore;
  expect(store.db.prepare('SELECT MAX(version) FROM tasker_schema_migrations').pluck().get()).toBe(
    LATEST_SCHEMA_VERSION,
  );
  // the bookkeeping table made by an earlier release got compatible_from: every migration so far is expand-only
  expect(store.db.prepare('SELECT DISTINCT compatible_from FROM tasker_schema_migrations').pluck().all()).toEqual([0]);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
