// Test support: a database as an earlier release left it — the first `upTo` migrations of a store applied and
// recorded the way its migration runner does — to test upgrades and refusals of older schemas.
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { migrate as migrateSqlite } from '../../src/store/sqlite/migrate.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { PG_URL } from './stores.js';

/**
 * Creates `schema` with PostgreSQL migrations 1…upTo applied and recorded, its bookkeeping table without
 * compatible_from, as releases before it made it.
 */
export async function installPostgresSchema(schema: string, upTo: number): Promise<void> {
  const n = schemaNames(schema);
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`CREATE SCHEMA ${n.q}`);
    await client.query(
      `CREATE TABLE ${n.q}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, ` +
        'applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const m of PG_MIGRATIONS.filter((x) => x.version <= upTo)) {
      for (const statement of m.statements(n)) await client.query(statement);
      await client.query(`INSERT INTO ${n.q}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/**
 * Creates the SQLite file `path` with migrations 1…upTo applied (by the store's own runner), its bookkeeping table
 * without compatible_from, as releases before it made it.
 */
export function installSqliteSchema(path: string, upTo: number): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrateSqlite(
      db,
      path,
      undefined,
      SQLITE_MIGRATIONS.filter((m) => m.version <= upTo),
    );
    db.exec('ALTER TABLE tasker_schema_migrations DROP COLUMN compatible_from');
  } finally {
    db.close();
  }
}
