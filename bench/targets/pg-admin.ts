// PostgreSQL helpers shared by the PostgreSQL peers: derive a per-target database URL, create and drop it.
import pg from 'pg';

/** The URL of database `name` on the same server as `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name "${name}"`);
}

/** Drop (terminating its sessions) and re-create database `name`, so every bench invocation starts clean. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name);
  await withAdmin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name);
  await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** `SHOW server_version` of the server behind `url`. */
export async function serverVersion(url: string): Promise<string> {
  return withAdmin(
    url,
    async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
  );
}

/**
 * The join-counter table used by the PostgreSQL peers: one row per (task, step) with more than one parent,
 * created by the first parent to finish and decremented by the others; the parent that brings it to 0 releases it.
 */
export const JOIN_TABLE_SQL = `CREATE TABLE IF NOT EXISTS bench_join (
  task integer NOT NULL, step integer NOT NULL, remaining integer NOT NULL, PRIMARY KEY (task, step))`;

/** Upsert-decrement of a join counter: $1 task, $2 step, $3 parent count. Returns the remaining count. */
export const JOIN_DECREMENT_SQL = `INSERT INTO bench_join (task, step, remaining) VALUES ($1, $2, $3 - 1)
  ON CONFLICT (task, step) DO UPDATE SET remaining = bench_join.remaining - 1 RETURNING remaining`;
