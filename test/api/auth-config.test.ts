// The auth tokens file: JSON and YAML, plaintext tokens hashed at load and dropped, every mistake reported with
// the file and field, and TASKER_AUTH_TOKENS_FILE turning auth on for a server given no auth option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { AUTH_TOKENS_ENV, AuthConfigError, loadAuthConfig, parseAuthConfig } from '../../src/api/auth/config.js';
import { STORE_KINDS } from '../support/stores.js';
import { call, expectError, startApi } from './support/api.js';

const PLAIN = 'plaintext-token-for-tests-1234';
const HASH = createHash('sha256').update('hashed-token-for-tests-5678').digest('hex');

describe('auth configuration files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-auth-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and JSON, hashing plaintext tokens and keeping no plaintext', () => {
    const yamlFile = join(dir, 'tokens.yaml');
    writeFileSync(
      yamlFile,
      `tokens:\n  - name: ci\n    token: ${PLAIN}\n    scopes: [tasks:read, tasks:write]\n  - name: ops\n    token_sha256: ${HASH}\n    scopes: [admin]\nroutes:\n  "GET /tasker/metrics": []\n`,
    );
    const fromYaml = loadAuthConfig(yamlFile);
    expect(fromYaml.tokens.map((t) => [t.name, [...t.scopes]])).toEqual([
      ['ci', ['tasks:read', 'tasks:write']],
      ['ops', ['admin']],
    ]);
    expect(fromYaml.tokens[0]!.hash.toString('hex')).toBe(createHash('sha256').update(PLAIN).digest('hex'));
    expect(fromYaml.tokens[1]!.hash.toString('hex')).toBe(HASH);
    expect(fromYaml.routes).toEqual({ 'GET /tasker/metrics': [] });
    expect(JSON.stringify(fromYaml)).not.toContain(PLAIN);
    expect(Object.keys(fromYaml.tokens[0]!).sort()).toEqual(['hash', 'name', 'scopes']);

    const jsonFile = join(dir, 'tokens.json');
    writeFileSync(jsonFile, JSON.stringify({ tokens: [{ name: 'ci', token: PLAIN, scopes: ['tasks:read'] }] }));
    expect(loadAuthConfig(jsonFile).tokens[0]!.name).toBe('ci');
  });

  it('reports every mistake with the file and the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ tokens: [{ name: 'a', scopes: ['tasks:read'] }] }, /exactly one of token_sha256 or token/],
      [
        { tokens: [{ name: 'a', token: PLAIN, token_sha256: HASH, scopes: [] }] },
        /exactly one of token_sha256 or token/,
      ],
      [{ tokens: [{ name: 'a', token_sha256: 'abc', scopes: [] }] }, /tokens\[0\]\.token_sha256: must match pattern/],
      [
        { tokens: [{ name: 'a', token: 'short', scopes: [] }] },
        /tokens\[0\]\.token: must NOT have fewer than 16 characters/,
      ],
      [
        { tokens: [{ name: 'a', token: PLAIN, scopes: ['root'] }] },
        /tokens\[0\]\.scopes\[0\]: must be equal to one of the allowed values/,
      ],
      [
        { tokens: [{ name: 'a', token: PLAIN, scopes: [], colour: 'red' }] },
        /tokens\[0\]: must NOT have additional properties 'colour'/,
      ],
      [
        {
          tokens: [
            { name: 'a', token: PLAIN, scopes: [] },
            { name: 'a', token_sha256: HASH, scopes: [] },
          ],
        },
        /'a' is used twice/,
      ],
      [
        {
          tokens: [
            { name: 'a', token: PLAIN, scopes: [] },
            { name: 'b', token: PLAIN, scopes: [] },
          ],
        },
        /same token is configured twice/,
      ],
      [{ tokens: [] }, /at least one token/],
      [{ jwt: { secret: 'too short' } }, /jwt\.secret: must NOT have fewer than 32 characters/],
      [{ jwt: { secret_env: 'TASKER_TEST_UNSET_SECRET_VARIABLE' } }, /TASKER_TEST_UNSET_SECRET_VARIABLE is not set/],
      [[], /\(root\): must be object/],
    ];
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
    expect(() => loadAuthConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read the auth tokens file .*missing\.yaml/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'tokens: [ {name: a\n');
    expect(() => loadAuthConfig(broken)).toThrow(/neither valid JSON nor YAML/);
  });
});

describe.each(STORE_KINDS)('TASKER_AUTH_TOKENS_FILE on $kind', ({ make }) => {
  it('turns auth on for a server given no auth option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasker-auth-env-'));
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ tokens: [{ name: 'env', token: PLAIN, scopes: ['tasks:read'] }] }));
    const db = make();
    const previous = process.env[AUTH_TOKENS_ENV];
    process.env[AUTH_TOKENS_ENV] = file;
    try {
      const api = await startApi(db, { concurrency: 0 }, { auth: undefined });
      try {
        expectError(await call(api.base, 'GET', '/tasks'), 401, 'unauthorized');
        expect((await call(api.base, 'GET', '/tasks', { token: PLAIN })).status).toBe(200);
        expect((await call(api.base, 'GET', '/health/live')).status).toBe(200);
      } finally {
        await api.close();
      }
    } finally {
      if (previous === undefined) delete process.env[AUTH_TOKENS_ENV];
      else process.env[AUTH_TOKENS_ENV] = previous;
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
