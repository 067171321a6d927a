// Test support: the stores every engine test runs against — a real SQLite file in a temp dir, and the real
// PostgreSQL in a fresh schema — with cleanup that removes both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { selectedStores, type StoreKind } from '../../scripts/test-stores.mjs';

export const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface TestDb {
  url: string;
  cleanup(): Promise<void>;
}

export function sqliteDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-test-'));
  return {
    url: `sqlite:${join(dir, 'tasker.db')}`,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresDb(): TestDb {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    url: `${PG_URL}?schema=${schema}`,
    async cleanup() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

const MAKE: Record<StoreKind, () => TestDb> = { sqlite: sqliteDb, postgres: postgresDb };

/**
 * Both stores, or those named in TASKER_TEST_STORES (comma-separated) for a quicker local loop; a name that is no
 * store throws here, so every file using it fails instead of quietly running on fewer stores.
 */
export const STORE_KINDS: Array<{ kind: StoreKind; make: () => TestDb }> = selectedStores().map((kind) => ({
  kind,
  make: MAKE[kind],
}));
