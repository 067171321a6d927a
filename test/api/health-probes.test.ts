// What the health routes let out: the probes that need no token (/health/live, /health/ready) answer up or down and
// nothing else — no store URL, file path or driver error — and the store URL shown by /health and printed by
// `tasker serve` never carries a credential from the URL it was given.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, startApi } from './support/api.js';

const SECRET = 'pw-K7e2-never-served';
const TOKEN = 'health-probe-token-0123456789';

/** The test store's URL with a user-info password and password-like query parameters (all ignored here). */
function withSecrets(db: TestDb, dir: string): TestDb {
  const url = db.url.startsWith('postgres')
    ? `${db.url.replace('postgres://root@', `postgres://root:${SECRET}@`)}&password=${SECRET}&sslpassword=${SECRET}`
    : `sqlite:${join(dir, 'secret.db')}?password=${SECRET}`;
  return { url, cleanup: db.cleanup };
}

describe.each(STORE_KINDS)('health probes on $kind', ({ make }) => {
  it('answer only up/down without a token, and /health shows the store URL with its credentials masked', async () => {
    const db = make();
    const dir = mkdtempSync(join(tmpdir(), 'tasker-probes-'));
    const auth = { tokens: [{ name: 'ops', token: TOKEN, scopes: ['tasks:read'] }] };
    const api = await startApi(withSecrets(db, dir), { concurrency: 0 }, { auth });
    try {
      const ready = await call(api.base, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
      const live = await call(api.base, 'GET', '/health/live');
      expect(live.json).toEqual({ status: 'ok' });
      const health = await call(api.base, 'GET', '/health', { token: TOKEN });
      expect(health.status).toBe(200);
      expect(health.text).not.toContain(SECRET);
      expect(health.json.store.url).toContain('password=***');
      for (const res of [ready, live, health]) expect(res.text).not.toContain(SECRET);
    } finally {
      await api.close();
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mask a credential even in the URL of a store opened by the caller', async () => {
    const db = make();
    const { openStore } = await import('../../src/store/open-store.js');
    const store = await openStore(db.url);
    const leaky = new Proxy(store, {
      get(target, prop) {
        if (prop === 'url') return `postgres://admin:${SECRET}@db.internal/x?sslkey=${SECRET}`;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const api = await startApi(db, { db: leaky, concurrency: 0 });
    try {
      const health = await call(api.base, 'GET', '/health');
      expect(health.json.store.url).toBe('postgres://admin:***@db.internal/x?sslkey=***');
      expect((await call(api.base, 'GET', '/health/ready')).text).not.toContain(SECRET);
    } finally {
      await api.close();
      await store.close();
      await db.cleanup();
    }
  });
});
