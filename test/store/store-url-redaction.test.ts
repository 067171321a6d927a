// Store URLs never show their credentials: the user-info password and password/key-like query parameters are
// masked by redactStoreUrl, in Store.url of both stores, and in the messages of a store URL that cannot be used.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactStoreUrl } from '../../src/store/store-url.js';
import { openStore } from '../../src/store/open-store.js';
import { parsePostgresUrl } from '../../src/store/postgres/url.js';
import { STORE_KINDS } from '../support/stores.js';

const SECRET = 'pw-Zq81-never-shown';

describe('redactStoreUrl', () => {
  it('masks the user-info password and every password/key-like query parameter, keeping the rest', () => {
    const cases: Array<[string, string]> = [
      [`postgres://root:${SECRET}@127.0.0.1:5432/x`, 'postgres://root:***@127.0.0.1:5432/x'],
      [`postgres://root@127.0.0.1:5432/x?password=${SECRET}`, 'postgres://root@127.0.0.1:5432/x?password=***'],
      [
        `postgresql://u@h/db?sslmode=require&sslpassword=${SECRET}&sslkey=/etc/k.pem&schema=jobs`,
        'postgresql://u@h/db?sslmode=require&sslpassword=***&sslkey=***&schema=jobs',
      ],
      [`postgres://u@h/db?PassWord=${SECRET}#frag`, 'postgres://u@h/db?PassWord=***#frag'],
      [`postgres://u@h/db?pass%77ord=${SECRET}`, 'postgres://u@h/db?pass%77ord=***'],
      [
        `postgres://u:${SECRET}:more@h/db?api_token=${SECRET}&application_name=x`,
        'postgres://u:***@h/db?api_token=***&application_name=x',
      ],
      [`postgres://u:p%40${SECRET}@h/db`, 'postgres://u:***@h/db'],
      [`sqlite:/tmp/a.db?password=${SECRET}`, 'sqlite:/tmp/a.db?password=***'],
      ['sqlite:.tasker/tasker.db', 'sqlite:.tasker/tasker.db'],
      ['postgres://u@h:5432/db?schema=s', 'postgres://u@h:5432/db?schema=s'],
      [`not a url :${SECRET}@ ?password=${SECRET}`, 'not a url :***@ ?password=***'],
    ];
    for (const [input, shown] of cases) {
      expect(redactStoreUrl(input), input).toBe(shown);
      expect(redactStoreUrl(shown), 'idempotent').toBe(shown);
    }
  });

  it('leaves no credential in the PostgreSQL display URL or its error messages', () => {
    const parsed = parsePostgresUrl(
      `postgres://root:${SECRET}@127.0.0.1:5432/x?password=${SECRET}&sslkey=${SECRET}&schema=jobs`,
    );
    expect(parsed.displayUrl).not.toContain(SECRET);
    expect(parsed.displayUrl).toContain('schema=jobs');
    expect(parsed.connectionString).toContain(SECRET); // pg still gets it
    expect(() => parsePostgresUrl(`mysql://root:${SECRET}@h/db?password=${SECRET}`)).toThrow(/not a PostgreSQL URL/);
    for (const bad of [
      `mysql://root:${SECRET}@h/db?password=${SECRET}`,
      `postgres://root:${SECRET}@h:port/db?password=${SECRET}`,
    ]) {
      expect(() => parsePostgresUrl(bad)).toThrow();
      try {
        parsePostgresUrl(bad);
      } catch (err) {
        expect((err as Error).message).not.toContain(SECRET);
      }
    }
  });

  it('keeps credentials out of the messages of an unusable store URL', async () => {
    for (const bad of [`mysql://root:${SECRET}@h/db?password=${SECRET}`, `ftp://u:${SECRET}@h/?token=${SECRET}`]) {
      const err = await openStore(bad).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).not.toContain(SECRET);
    }
  });
});

describe.each(STORE_KINDS)('Store.url on $kind', ({ kind, make }) => {
  it('shows no credential given in the store URL', async () => {
    const db = make();
    const dir = mkdtempSync(join(tmpdir(), 'tasker-redact-'));
    // PostgreSQL (trust auth here) accepts and ignores both passwords; SQLite ignores the query.
    const url =
      kind === 'postgres'
        ? db.url.replace('postgres://root@', `postgres://root:${SECRET}@`) + `&password=${SECRET}&sslpassword=${SECRET}`
        : `sqlite:${join(dir, 'a.db')}?password=${SECRET}`;
    const store = await openStore(url);
    try {
      await store.ping();
      expect(store.url).not.toContain(SECRET);
      expect(store.url).toContain('password=***');
    } finally {
      await store.close();
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
