// The store conformance suite on a PostgreSQL schema upgraded from the first migration: every test gets a schema
// holding migration 1 only (as the first release left it), which opening the store migrates to the latest version.
// Existing databases run the migrations one after another; this proves they end up in a store that keeps every
// rule, not only fresh ones.
import pg from 'pg';
import { expect } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { installPostgresSchema } from '../support/old-schema.js';
import { PG_URL } from '../support/stores.js';
import { storeConformanceSuite } from './conformance.js';

async function adminQuery<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

storeConformanceSuite('postgres upgraded from migration 1', async () => {
  const schema = `upg_${Math.random().toString(36).slice(2, 10)}`;
  await installPostgresSchema(schema, 1);
  const store = await openStore(`${PG_URL}?schema=${schema}`, { poolSize: 4 });
  const applied = await adminQuery<{ version: number; compatible_from: number }>(
    `SELECT version, compatible_from FROM "${schema}".schema_migrations ORDER BY version`,
  );
  // every migration applied; the bookkeeping table made by an earlier release got compatible_from (all expand-only)
  expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, compatible_from: 0 })));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
});
