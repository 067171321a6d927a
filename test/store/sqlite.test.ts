// Runs the store conformance suite on SQLite: a temp-file database per test, and again on `sqlite::memory:`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { storeConformanceSuite } from './conformance.js';

storeConformanceSuite('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-store-'));
  const store = await openStore(`sqlite:${join(dir, 'tasker.db')}`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeConformanceSuite('sqlite memory', async () => {
  const store = await openStore('sqlite::memory:');
  return { store, cleanup: () => store.close() };
});
