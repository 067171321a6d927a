// Rolling upgrades on PostgreSQL: `tasker migrate` is the upgrade step, and `worker`, `serve`, `submit` and `tasks`
// do not migrate on open. On a schema with no Tasker tables or an older one they exit 2 at once, naming the version
// found, the one required and `tasker migrate`, and leave the schema as it was; `--migrate` (worker, serve, submit)
// migrates on open. `tasker run` migrates, and so does every command on an embedded SQLite file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { installPostgresSchema } from '../support/old-schema.js';
import { PG_URL } from '../support/stores.js';
import { REPO, runCli } from './cli-runner.js';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-migrate-'));
mkdirSync(path.join(tmp, 'tasks'));
writeFileSync(
  path.join(tmp, 'tasks', 'hello.yaml'),
  'name: hello\nnamespace_name: t\nversion: 1.0.0\nmodule_namespace: T\nstep_templates:\n  - name: greet\n',
);
writeFileSync(path.join(tmp, 'handlers.mjs'), `export const handlers = { 'T::GreetHandler': () => ({ hi: 1 }) };\n`);
const H = ['--templates', 'tasks', '--handlers', 'handlers.mjs'];

const schemas: string[] = [];
const children: ChildProcess[] = [];
function freshSchema(): { schema: string; url: string } {
  const schema = `climig_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(schema);
  return { schema, url: `${PG_URL}?schema=${schema}` };
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The migrations recorded in a schema; null when the schema does not exist. */
const versions = (schema: string): Promise<number[] | null> =>
  admin(async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rows.length === 0) return null;
    const res = await c.query<{ version: number }>(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    return res.rows.map((r) => r.version);
  });

/** Starts a long-running command and resolves once its stderr matches `ready`. */
function start(
  args: string[],
  ready: RegExp,
): Promise<ChildProcess & { stderr_: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: tmp,
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((ok, fail) => {
    const guard = setTimeout(() => fail(new Error(`${args[0]} did not start: ${stderr}`)), 40_000);
    child.stdout!.resume();
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (ready.test(stderr)) {
        clearTimeout(guard);
        ok(Object.assign(child, { stderr_: () => stderr, exit }));
      }
    });
    void exit.then((code) => {
      clearTimeout(guard);
      fail(new Error(`${args[0]} exited with ${code} before it was ready: ${stderr}`));
    });
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await admin(async (c) => {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  });
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { cwd: tmp });

describe('commands that do not migrate a PostgreSQL schema on open', () => {
  it('worker, serve, submit and tasks refuse a schema with no Tasker tables at once, and create nothing', async () => {
    const { schema, url } = freshSchema();
    const results = await Promise.all([
      cli(['worker', ...H, '--db', url]),
      cli(['serve', ...H, '--db', url, '--port', '0', '--workers', '0']),
      cli(['submit', 't/hello', ...H, '--db', url]),
      cli(['tasks', 'list', '--db', url]),
    ]);
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `tasker: PostgreSQL schema "${schema}" has no Tasker tables (version 0); this Tasker needs version ` +
          `${LATEST_SCHEMA_VERSION}: run \`tasker migrate\` against it first`,
      );
    }
    expect(await versions(schema)).toBeNull();
  });

  it('a worker refuses an older schema; submit --migrate upgrades it; then a worker without the flag runs', async () => {
    const { schema, url } = freshSchema();
    await installPostgresSchema(schema, 1);
    const refused = await cli(['worker', ...H, '--db', url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `PostgreSQL schema "${schema}" is at version 1, but this Tasker needs version ${LATEST_SCHEMA_VERSION}`,
    );
    expect(await versions(schema)).toEqual([1]);

    const submitted = await cli(['submit', 't/hello', ...H, '--db', url, '--migrate']);
    expect(submitted.code).toBe(0);
    expect(await versions(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    const taskId = Number(submitted.stdout.trim());

    const worker = await start(['worker', ...H, '--db', url], /running on/);
    let state = '';
    for (let i = 0; i < 200 && state !== 'completed'; i++) {
      const res = await admin((c) =>
        c.query<{ state: string }>(`SELECT state FROM "${schema}".tasks WHERE task_id = $1`, [taskId]),
      );
      state = res.rows[0]?.state ?? '';
      if (state !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(state).toBe('completed');
    worker.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  });

  it('worker --migrate migrates a fresh schema on open', async () => {
    const { schema, url } = freshSchema();
    const worker = await start(['worker', ...H, '--db', url, '--migrate'], /running on/);
    expect(await versions(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    worker.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
  });

  it('tasker migrate, then serve opens the schema without migrating', async () => {
    const { schema, url } = freshSchema();
    const migrated = await cli(['migrate', '--db', url]);
    expect(migrated.code).toBe(0);
    expect(await versions(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    const served = await start(['serve', ...H, '--db', url, '--port', '0', '--workers', '0'], /listening on/);
    served.kill('SIGTERM');
    expect(await served.exit).toBe(0);
  });
});

describe('commands that migrate on open', () => {
  it('run migrates a fresh PostgreSQL schema; submit migrates a fresh SQLite file', async () => {
    const { schema, url } = freshSchema();
    const [ran, submitted] = await Promise.all([
      cli(['run', 't/hello', ...H, '--db', url, '--json']),
      cli(['submit', 't/hello', ...H, '--db', 'sqlite:fresh.db']),
    ]);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).current_state).toBe('completed');
    expect(await versions(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(submitted.code).toBe(0);
    expect(submitted.stdout.trim()).toBe('1');
  });
});
