// Opening a store without migrating it (`migrate: false`, what `tasker worker` and `tasker serve` do on PostgreSQL
// unless --migrate): a schema that is current opens; one with no Tasker tables or an older version is refused at
// once, naming the version found and the one required, and is left exactly as it was.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreSchemaError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';
import {
  LATEST_SCHEMA_VERSION as PG_LATEST,
  MIGRATIONS as PG_MIGRATIONS,
} from '../../src/store/postgres/migrations.js';
import { LATEST_SCHEMA_VERSION as SQLITE_LATEST } from '../../src/store/sqlite/migrations.js';
import { installPostgresSchema, installSqliteSchema } from '../support/old-schema.js';
import { PG_URL } from '../support/stores.js';

const REFUSAL = /run `tasker migrate`/;

describe('PostgreSQL opened with migrate: false', () => {
  const schemas: string[] = [];
  const fresh = (): string => {
    const schema = `nomig_${Math.random().toString(36).slice(2, 10)}`;
    schemas.push(schema);
    return schema;
  };
  async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  const versions = (schema: string): Promise<number[]> =>
    admin(async (c) =>
      (
        await c.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)
      ).rows.map((r) => r.version),
    );
  afterAll(async () => {
    await admin(async (c) => {
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
  });

  it('refuses a schema with no Tasker tables, naming versions 0 and the latest, and creates nothing', async () => {
    const schema = fresh();
    const attempt = openStore(`${PG_URL}?schema=${schema}`, { migrate: false });
    await expect(attempt).rejects.toBeInstanceOf(StoreSchemaError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`schema "${schema}" has no Tasker tables \\(version 0\\); this Tasker needs version ${PG_LATEST}`),
    );
    await expect(attempt).rejects.toThrow(REFUSAL);
    const found = await admin((c) => c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]));
    expect(found.rows).toEqual([]);
  });

  it('refuses an older schema and leaves it at its version; opens it once migrated', async () => {
    const schema = fresh();
    await installPostgresSchema(schema, 1);
    const url = `${PG_URL}?schema=${schema}`;
    const attempt = openStore(url, { migrate: false });
    await expect(attempt).rejects.toThrow(
      new RegExp(`schema "${schema}" is at version 1, but this Tasker needs version ${PG_LATEST}`),
    );
    await expect(attempt).rejects.toThrow(REFUSAL);
    expect(await versions(schema)).toEqual([1]);
    await (await openStore(url)).close(); // migrates (the default)
    const store = await openStore(url, { migrate: false });
    await store.ping();
    await store.close();
    expect(await versions(schema)).toEqual(PG_MIGRATIONS.map((m) => m.version));
  });
});

describe('SQLite opened with migrate: false', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-nomig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a missing file without creating it', async () => {
    const path = join(dir, 'sub', 'missing.db');
    const attempt = openStore(`sqlite:${path}`, { migrate: false });
    await expect(attempt).rejects.toBeInstanceOf(StoreSchemaError);
    await expect(attempt).rejects.toThrow(new RegExp(`version 0\\); this Tasker needs version ${SQLITE_LATEST}`));
    await expect(attempt).rejects.toThrow(REFUSAL);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it('refuses an older file and leaves it at its version; opens it once migrated', async () => {
    const path = join(dir, 'old.db');
    installSqliteSchema(path, 2);
    const attempt = openStore(`sqlite:${path}`, { migrate: false });
    await expect(attempt).rejects.toThrow(
      new RegExp(`has schema version 2, but this Tasker needs version ${SQLITE_LATEST}`),
    );
    await expect(attempt).rejects.toThrow(REFUSAL);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT MAX(version) FROM tasker_schema_migrations').pluck().get()).toBe(2);
    check.close();
    await (await openStore(`sqlite:${path}`)).close();
    const store = await openStore(`sqlite:${path}`, { migrate: false });
    await store.ping();
    await store.close();
  });
});
