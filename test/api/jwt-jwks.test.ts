// JWTs as an identity provider issues them, verified with jose: RS256 and ES256 against a JWKS served over real
// HTTP (jwks_url) or read from a file (jwks_file), with issuer, audience, expiry and clock tolerance checked and the
// algorithm pinned per key type (HS256 only with the shared secret; never `none`). Configuration mistakes are
// reported with the file and field; an unreachable JWKS answers 503, not 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { AuthConfigError, loadAuthConfig, parseAuthConfig } from '../../src/api/auth/config.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, type ApiHarness } from './support/api.js';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'tasker-api';
const SECRET = 'jwks-test-hs256-secret-of-32-characters!';
const now = () => Math.floor(Date.now() / 1000);

interface Signer {
  alg: 'RS256' | 'ES256';
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(alg: 'RS256' | 'ES256', kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A token signed by `s` with good defaults; `claims` and `header` override them (undefined drops a claim). */
async function token(
  s: Signer,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const all: Record<string, unknown> = {
    sub: 'ci-pipeline',
    scope: 'tasks:read',
    iss: ISSUER,
    aud: AUDIENCE,
    exp: now() + 300,
    ...claims,
  };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  return new SignJWT(all).setProtectedHeader({ alg: s.alg, kid: s.kid, ...header }).sign(s.privateKey);
}

describe('JWTs from an identity provider (RS256, ES256 via JWKS)', () => {
  let rsa: Signer;
  let ec: Signer;
  let stranger: Signer;
  let jwksServer: Server;
  let jwksUrl = '';
  let dir: string;
  let db: TestDb;
  const forms: Record<'url' | 'file', ApiHarness> = {} as Record<'url' | 'file', ApiHarness>;

  beforeAll(async () => {
    rsa = await signer('RS256', 'rsa-1');
    ec = await signer('ES256', 'ec-1');
    stranger = await signer('RS256', 'rsa-1'); // same kid, another key
    const jwks = JSON.stringify({ keys: [rsa.jwk, ec.jwk] });
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((ok) => jwksServer.listen(0, '127.0.0.1', ok));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    dir = mkdtempSync(join(tmpdir(), 'tasker-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), jwks);
    writeFileSync(
      join(dir, 'tokens.yaml'),
      `jwt:\n  jwks_file: jwks.json\n  secret: ${SECRET}\n  issuer: ${ISSUER}\n  audience: ${AUDIENCE}\n`,
    );
    db = sqliteDb();
    forms.url = await startApi(
      db,
      { concurrency: 0 },
      { auth: { jwt: { jwks_url: jwksUrl, issuer: ISSUER, audience: AUDIENCE, clock_tolerance_s: 30 } } },
    );
    forms.file = await startApi(db, { concurrency: 0 }, { auth: join(dir, 'tokens.yaml') });
  });
  afterAll(async () => {
    await forms.url?.close();
    await forms.file?.close();
    await new Promise((ok) => jwksServer?.close(ok));
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['url', 'file'] as const)(
    'accepts RS256 and ES256 tokens whose key is in the JWKS (jwks_%s)',
    async (form) => {
      const api = forms[form];
      for (const s of [rsa, ec]) {
        const res = await call(api.base, 'GET', '/tasks', { token: await token(s) });
        expect(res.status, `${s.alg}: ${res.text}`).toBe(200);
      }
      const writer = await token(ec, { scope: undefined, scp: ['tasks:write'] });
      expect((await call(api.base, 'POST', '/tasks', { body: { name: 'nothing-here' }, token: writer })).status).toBe(
        400,
      );
      // Within the clock tolerance (30 s) an just-expired token still passes.
      expect((await call(api.base, 'GET', '/tasks', { token: await token(rsa, { exp: now() - 5 }) })).status).toBe(200);
    },
  );

  it.each(['url', 'file'] as const)(
    'refuses wrong issuer, audience, expiry, key, algorithm and claims (jwks_%s)',
    async (form) => {
      const api = forms[form];
      const cases: Array<[string, Promise<string> | string, RegExp]> = [
        ['wrong issuer', token(rsa, { iss: 'https://elsewhere.test/' }), /iss/],
        ['wrong audience', token(ec, { aud: 'another-api' }), /aud/],
        ['expired', token(rsa, { exp: now() - 600 }), /expired/],
        ['not yet valid', token(rsa, { nbf: now() + 600 }), /nbf|not yet/],
        ['no exp', token(rsa, { exp: undefined }), /exp/],
        ['no sub', token(rsa, { sub: undefined }), /sub/],
        ['control character in sub', token(ec, { sub: 'a\u0000b' }), /sub/],
        ['signed by another key with the same kid', token(stranger), /signature/],
        ['unknown kid', token(rsa, {}, { kid: 'rotated-away' }), /key/],
        ['RS256 header on an ES256 signature', token(ec, {}, { alg: 'ES256', kid: 'rsa-1' }), /key|signature/],
        [
          'alg none',
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })).toString('base64url')}.`,
          /./,
        ],
        [
          'RS384 (not accepted)',
          (async () => {
            const { privateKey } = await generateKeyPair('RS384');
            return new SignJWT({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })
              .setProtectedHeader({ alg: 'RS384', kid: 'rsa-1' })
              .sign(privateKey);
          })(),
          /alg/,
        ],
      ];
      for (const [what, pending, message] of cases) {
        const res = await call(api.base, 'GET', '/tasks', { token: await pending });
        expectError(res, 401, 'unauthorized');
        expect(res.json.error.message, what).toMatch(message);
      }
    },
  );

  it('pins HS256 to the shared secret: an HS256 token is refused where only a JWKS is configured', async () => {
    const hs = await new SignJWT({ sub: 'ci', scope: 'tasks:read', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    const refused = await call(forms.url.base, 'GET', '/tasks', { token: hs });
    expectError(refused, 401, 'unauthorized');
    expect(refused.json.error.message).toMatch(/alg/);
    // The file form also has the secret: the same token passes there.
    expect((await call(forms.file.base, 'GET', '/tasks', { token: hs })).status).toBe(200);
  });

  it('answers 503 when the JWKS cannot be fetched, and 401 is kept for bad tokens', async () => {
    const gone = createServer();
    await new Promise<void>((ok) => gone.listen(0, '127.0.0.1', ok));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((ok) => gone.close(ok));
    const api = await startApi(
      db,
      { concurrency: 0 },
      { auth: { jwt: { jwks_url: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE } } },
    );
    try {
      const res = await call(api.base, 'GET', '/tasks', { token: await token(rsa) });
      expectError(res, 503, 'unavailable');
      expect(res.json.error.message).toContain('JWKS');
      expect(res.headers.get('retry-after')).toBe('30');
      const hs = await new SignJWT({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(SECRET));
      expectError(await call(api.base, 'GET', '/tasks', { token: hs }), 401, 'unauthorized');
      expectError(await call(api.base, 'GET', '/tasks', { token: 'not.a-valid.token!' }), 401, 'unauthorized');
    } finally {
      await api.close();
    }
  });

  it('reports configuration mistakes with the source and the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { jwt: { jwks_url: 'http://idp.example.com/jwks.json', issuer: ISSUER, audience: AUDIENCE } },
        /jwt\.jwks_url: .*https/,
      ],
      [{ jwt: { jwks_url: 'not a url', issuer: ISSUER, audience: AUDIENCE } }, /jwt\.jwks_url/],
      [
        { jwt: { jwks_url: jwksUrl, jwks_file: 'x.json', issuer: ISSUER, audience: AUDIENCE } },
        /either jwks_url or jwks_file/,
      ],
      [{ jwt: { jwks_url: jwksUrl, audience: AUDIENCE } }, /jwt\.issuer: .*required/],
      [{ jwt: { jwks_url: jwksUrl, issuer: ISSUER } }, /jwt\.audience: .*required/],
      [
        { jwt: { jwks_file: join(dir, 'missing.json'), issuer: ISSUER, audience: AUDIENCE } },
        /jwt\.jwks_file: cannot read .*missing\.json/,
      ],
      [{ jwt: { secret: SECRET, clock_tolerance_s: -1 } }, /clock_tolerance_s/],
      [{ jwt: { issuer: ISSUER } }, /jwt: needs a key/],
    ];
    writeFileSync(
      join(dir, 'private.json'),
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] }),
    );
    cases.push([
      { jwt: { jwks_file: join(dir, 'private.json'), issuer: ISSUER, audience: AUDIENCE } },
      /private\.json holds a private/,
    ]);
    writeFileSync(join(dir, 'empty.json'), JSON.stringify({ keys: [] }));
    cases.push([
      { jwt: { jwks_file: join(dir, 'empty.json'), issuer: ISSUER, audience: AUDIENCE } },
      /empty\.json.*no RS256 or ES256 key/,
    ]);
    for (const [input, message] of cases) {
      let error: unknown;
      try {
        parseAuthConfig(input, 'tokens.yaml');
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(input)).toBeInstanceOf(AuthConfigError);
      const text = `${(error as AuthConfigError).message}\n${((error as AuthConfigError).details as string[] | undefined)?.join('\n') ?? ''}`;
      expect(text).toContain('tokens.yaml');
      expect(text).toMatch(message);
    }
    // jwks_file is read relative to the tokens file.
    expect(loadAuthConfig(join(dir, 'tokens.yaml')).jwt).toMatchObject({
      issuer: ISSUER,
      audience: AUDIENCE,
      requireExp: true,
    });
  });
});
