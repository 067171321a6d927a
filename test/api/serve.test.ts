// `tasker serve` as a real child process on both stores: it listens on an ephemeral port, serves authenticated
// requests, runs steps in-process (or not, with --workers 0), and shuts down cleanly on SIGTERM/SIGINT; bad
// flags and tokens files exit 2 with a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, waitForTaskOverHttp } from './support/api.js';
import { rawRequest } from './support/raw-http.js';
import { AUTH_TOKENS_ENV } from '../../src/api/auth/config.js';

const REPO = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TOKEN = 'serve-test-token-0123456789';

const TEMPLATE = `name: greet
namespace_name: serve
version: 1.0.0
task_handler_class: Serve::Greeting
step_templates:
  - name: hello
  - name: bye
    depends_on_step: hello
`;
const HANDLERS = `export const handlers = {
  'Serve::HelloHandler': async (task) => ({ greeting: 'hello ' + (task.context.who ?? 'world') }),
  'Serve::ByeHandler': async () => ({ bye: true }),
};
`;

interface Served {
  child: ChildProcess;
  base: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(args: string[], cwd: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(REPO, 'src/cli/main.ts'), 'serve', '--port', '0', ...args],
    {
      cwd,
      env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', TASKER_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((ok, fail) => {
    const guard = setTimeout(() => fail(new Error(`serve did not start: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[^ ]+\/tasker)/.exec(stderr);
      if (m) {
        clearTimeout(guard);
        ok({ child, base: m[1]!, stderr: () => stderr, exit });
      }
    });
    child.stdout!.resume();
    void exit.then((code) => {
      clearTimeout(guard);
      fail(new Error(`serve exited with ${code} before listening: ${stderr}`));
    });
  });
}

describe.each(STORE_KINDS)('tasker serve on $kind', ({ make }) => {
  let dir: string;
  let db: TestDb;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-serve-'));
    writeFileSync(join(dir, 'greet.yaml'), TEMPLATE);
    writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
    writeFileSync(join(dir, 'tokens.yaml'), `tokens:\n  - name: deployer\n    token: ${TOKEN}\n    scopes: [admin]\n`);
    db = make();
  });
  afterAll(async () => {
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // --migrate: serve does not migrate a PostgreSQL schema on open by itself (test/cli/migrate-on-open.test.ts).
  const engineArgs = () => [
    '--migrate',
    '--db',
    db.url,
    '--templates',
    join(dir, 'greet.yaml'),
    '--handlers',
    join(dir, 'handlers.mjs'),
  ];

  it('serves the API with auth, runs the task in-process, and stops cleanly on SIGTERM', async () => {
    const served = await serve([...engineArgs(), '--workers', '2', '--auth-tokens', join(dir, 'tokens.yaml')], dir);
    try {
      expect(served.stderr()).toContain('2 step workers, auth on');
      expect((await call(served.base, 'GET', '/health/live')).status).toBe(200);
      expectError(await call(served.base, 'GET', '/tasks'), 401, 'unauthorized');
      const created = await call(served.base, 'POST', '/tasks', {
        body: { namespace: 'serve', name: 'greet', context: { who: 'newcomer' } },
        token: TOKEN,
      });
      expect(created.status, created.text).toBe(201);
      const id = created.json.task_id;
      const deadline = Date.now() + 30_000;
      let task = await call(served.base, 'GET', `/tasks/${id}`, { token: TOKEN });
      while (task.json.current_state === 'running' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        task = await call(served.base, 'GET', `/tasks/${id}`, { token: TOKEN });
      }
      expect(task.json.current_state).toBe('completed');
      expect(task.json.workflow_steps[0].results).toEqual({ greeting: 'hello newcomer' });
      expect((await call(served.base, 'GET', '/openapi.json', { token: TOKEN })).json.openapi).toBe('3.0.3');
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exit).toBe(0);
    expect(served.stderr()).toContain('SIGTERM received');
    expect(served.stderr()).toContain('tasker serve: stopped');
    expect(served.stderr()).not.toContain(TOKEN);
  });

  it('serves the API only with --workers 0 (steps wait for a worker) and stops on SIGINT', async () => {
    const served = await serve([...engineArgs(), '--workers', '0'], dir);
    try {
      expect(served.stderr()).toContain('API only, auth off');
      const created = await call(served.base, 'POST', '/tasks', { body: { namespace: 'serve', name: 'greet' } });
      expect(created.status, created.text).toBe(201);
      const again = await call(served.base, 'GET', `/tasks/${created.json.task_id}`);
      expect(again.json.current_state).toBe('running');
      expect(again.json.workflow_steps.map((s: { current_state: string }) => s.current_state)).toEqual([
        'pending',
        'pending',
      ]);
      const health = await call(served.base, 'GET', '/health');
      expect(health.json.worker.concurrency).toBe(0);
      const cancelled = await call(served.base, 'DELETE', `/tasks/${created.json.task_id}`);
      expect(cancelled.json.current_state).toBe('cancelled');
      expect((await waitForTaskOverHttp(served.base, created.json.task_id)).json.current_state).toBe('cancelled');
    } finally {
      served.child.kill('SIGINT');
    }
    expect(await served.exit).toBe(0);
    expect(served.stderr()).toContain('SIGINT received');
  });

  it('prints and serves the store URL without the credentials it was given', async () => {
    const secret = 'pw-serve-V3n-never-printed';
    const url = db.url.startsWith('postgres')
      ? `${db.url.replace('postgres://root@', `postgres://root:${secret}@`)}&password=${secret}&sslpassword=${secret}`
      : `sqlite:${join(dir, 'secret.db')}?password=${secret}`;
    const served = await serve(
      ['--migrate', '--db', url, '--templates', join(dir, 'greet.yaml'), '--workers', '0'],
      dir,
    );
    try {
      expect(served.stderr()).toContain('password=***');
      const ready = await call(served.base, 'GET', '/health/ready');
      expect(ready.json).toEqual({ status: 'ready' });
      const health = await call(served.base, 'GET', '/health');
      expect(health.json.store.url).toContain('password=***');
      expect(health.text).not.toContain(secret);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exit).toBe(0);
    expect(served.stderr()).not.toContain(secret);
  });

  it('refuses a foreign Host or a cross-site POST; --allowed-hosts and --allowed-origins add names', async () => {
    const served = await serve(
      [
        ...engineArgs(),
        '--workers',
        '0',
        '--allowed-hosts',
        'tasker.internal, ops.internal',
        '--allowed-origins',
        'https://ops.example',
      ],
      dir,
    );
    try {
      const port = Number(new URL(served.base).port);
      const body = JSON.stringify({ namespace: 'serve', name: 'greet' });
      expect((await rawRequest(port, 'GET', '/health/live', { host: `evil.example:${port}` })).status).toBe(403);
      expect((await rawRequest(port, 'GET', '/health/live', { host: `ops.internal:${port}` })).status).toBe(200);
      const cross = await rawRequest(
        port,
        'POST',
        '/tasks',
        { host: `tasker.internal:${port}`, origin: 'https://evil.example' },
        '127.0.0.1',
        body,
      );
      expect(cross.status).toBe(403);
      expect(cross.json.error.message).toContain('--allowed-origins');
      const allowed = await rawRequest(
        port,
        'POST',
        '/tasks',
        { host: `tasker.internal:${port}`, origin: 'https://ops.example' },
        '127.0.0.1',
        body,
      );
      expect(allowed.status, JSON.stringify(allowed.json)).toBe(201);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exit).toBe(0);
  });

  it('refuses a non-loopback host without auth unless --insecure-no-auth is given', async () => {
    const refused = spawn(
      process.execPath,
      ['--import', TSX, join(REPO, 'src/cli/main.ts'), 'serve', '--port', '0', '--host', '0.0.0.0', ...engineArgs()],
      {
        cwd: dir,
        env: { ...process.env, TASKER_LOG_LEVEL: 'silent', [AUTH_TOKENS_ENV]: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    refused.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => {
      // A hang guard: a server that starts instead of refusing is killed, and the test fails.
      const guard = setTimeout(() => refused.kill('SIGKILL'), 30_000);
      refused.on('close', (c) => {
        clearTimeout(guard);
        done(c);
      });
    });
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/0\.0\.0\.0 is not a loopback address and auth is off/);
    expect(stderr).toContain('--auth-tokens');
    expect(stderr).toContain('--insecure-no-auth');
    expect(stderr).not.toContain('listening on');

    const served = await serve([...engineArgs(), '--workers', '0', '--host', '0.0.0.0', '--insecure-no-auth'], dir);
    try {
      expect(served.stderr()).toMatch(/warning: auth is off/);
      const port = Number(new URL(served.base).port);
      expect((await rawRequest(port, 'GET', '/health/live', { host: `localhost:${port}` })).status).toBe(200);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exit).toBe(0);

    const withAuth = await serve(
      [...engineArgs(), '--workers', '0', '--host', '0.0.0.0', '--auth-tokens', join(dir, 'tokens.yaml')],
      dir,
    );
    try {
      expect(withAuth.stderr()).toContain('auth on');
      expect(withAuth.stderr()).not.toContain('warning');
    } finally {
      withAuth.child.kill('SIGTERM');
    }
    expect(await withAuth.exit).toBe(0);
  });

  it('exits 2 with a clear message for a bad tokens file or bad flags', async () => {
    writeFileSync(join(dir, 'bad-tokens.yaml'), 'tokens:\n  - name: x\n    token: short\n    scopes: [everything]\n');
    for (const [args, message] of [
      [
        ['--auth-tokens', join(dir, 'bad-tokens.yaml')],
        /bad-tokens\.yaml is not a valid auth configuration[\s\S]*tokens\[0\]\.token[\s\S]*tokens\[0\]\.scopes\[0\]/,
      ],
      [['--auth-tokens', join(dir, 'missing.yaml')], /cannot read the auth tokens file/],
      [['--workers', 'many'], /--workers must be a whole number/],
      [['--body-limit', '10'], /--body-limit must be between/],
      [['--allowed-origins', 'ops.example'], /--allowed-origins\[0\]: 'ops\.example' is not an origin/],
      [['--allowed-hosts', 'a b,'], /--allowed-hosts\[0\]: 'a b' is not a host name/],
    ] as Array<[string[], RegExp]>) {
      const child = spawn(
        process.execPath,
        ['--import', TSX, join(REPO, 'src/cli/main.ts'), 'serve', '--port', '0', ...engineArgs(), ...args],
        {
          cwd: dir,
          env: { ...process.env, TASKER_LOG_LEVEL: 'silent' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
