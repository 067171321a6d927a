// Runs the store conformance suite on PostgreSQL: every test gets a fresh schema with a random name, dropped
// afterwards. Opened through the store factory, the way the CLI and the engine open it.
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import { storeConformanceSuite } from './conformance.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

storeConformanceSuite('postgres', async () => {
  const schema = `conf_${Math.random().toString(36).slice(2, 10)}`;
  const store = await openStore(`${PG_URL}?schema=${schema}`, { poolSize: 4 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});
