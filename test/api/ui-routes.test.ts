// The dashboard's HTTP side over a real server: / and /tasker/ui redirect to /tasker/ui/, app paths fall back to
// index.html, assets are served with long caching, every file with the Content-Security-Policy; the files need no
// token while the API still does; another prefix is written into the page; GET /auth/whoami says who a token is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';
import { UI_CONTENT_SECURITY_POLICY } from '../../src/api/routes/ui.js';

const TOKEN = 'ui-routes-reader-0123456789';
const INDEX =
  '<!doctype html><html><head><meta name="tasker-prefix" content="/tasker" />' +
  '<script type="module" src="/tasker/ui/assets/app-1.js"></script></head><body><div id="app"></div></body></html>';

describe('dashboard routes', () => {
  let db: TestDb;
  let otherDb: TestDb;
  let dir: string;
  let api: ApiHarness;
  let other: ApiHarness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1);');
    db = sqliteDb();
    api = await startApi(
      db,
      {},
      {
        ui: dir,
        auth: { tokens: [{ name: 'reader', token: TOKEN, scopes: ['tasks:read'] }] },
      },
    );
    otherDb = sqliteDb();
    other = await startApi(otherDb, {}, { ui: dir, prefix: '/ops/tasker' });
  });
  afterAll(async () => {
    await api?.close();
    await other?.close();
    await db?.cleanup();
    await otherDb?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const origin = () => new URL(api.base).origin;

  it('redirects / and /tasker/ui to /tasker/ui/', async () => {
    for (const path of ['/', '/tasker/ui']) {
      const res = await fetch(`${origin()}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/tasker/ui/');
    }
  });

  it('serves index.html for app paths and assets with caching, all with the CSP, and no token needed', async () => {
    for (const path of ['/tasker/ui/', '/tasker/ui/tasks/12', '/tasker/ui/templates']) {
      const res = await fetch(`${origin()}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(UI_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toBe(INDEX);
    }
    const asset = await fetch(`${origin()}/tasker/ui/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(UI_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
    const missing = await call(origin(), 'GET', '/tasker/ui/assets/nope.js');
    expectError(missing, 404, 'not_found');
    // The API itself still wants the token.
    expectError(await call(api.base, 'GET', '/tasks'), 401, 'unauthorized');
  });

  it('answers GET /auth/whoami with the token and its scopes, and auth off for a server without auth', async () => {
    expectError(await call(api.base, 'GET', '/auth/whoami'), 401, 'unauthorized');
    const who = await call(api.base, 'GET', '/auth/whoami', { token: TOKEN });
    expect(who.json).toEqual({ auth: true, name: 'reader', actor: 'token:reader', scopes: ['tasks:read'] });
    const off = await call(`${new URL(other.base).origin}/ops/tasker`, 'GET', '/auth/whoami');
    expect(off.json).toEqual({
      auth: false,
      name: null,
      actor: null,
      scopes: ['tasks:read', 'tasks:write', 'steps:operate', 'signals:send', 'admin'],
    });
    const doc = await call(api.base, 'GET', '/openapi.json', { token: TOKEN });
    expect(doc.json.paths['/tasker/auth/whoami'].get.operationId).toBe('whoami');
  });

  it('writes another API prefix into the page it serves', async () => {
    const o = new URL(other.base).origin;
    const res = await fetch(`${o}/`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/ops/tasker/ui/');
    const html = await (await fetch(`${o}/ops/tasker/ui/tasks/3`)).text();
    expect(html).toContain('content="/ops/tasker"');
    expect(html).toContain('src="/ops/tasker/ui/assets/app-1.js"');
    expect((await fetch(`${o}/ops/tasker/ui/assets/app-1.js`)).status).toBe(200);
  });

  it('says how to build the dashboard when there is nothing to serve', async () => {
    const bareDb = sqliteDb();
    const bare = await startApi(bareDb, {}, { ui: join(dir, 'nothing-here') });
    try {
      const res = await call(new URL(bare.base).origin, 'GET', '/tasker/ui/');
      expectError(res, 404, 'not_found');
      expect(res.json.error.message).toContain('npm run build');
    } finally {
      await bare.close();
      await bareDb.cleanup();
    }
  });
});
