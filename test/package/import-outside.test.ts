// The package as a user gets it: a program outside the repo imports `tasker` (built JS + types via the exports
// map) and runs a task on the embedded store, serves the API from `tasker/api`, sees exactly the reviewed exports;
// the `tasker` binary answers --help.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_TYPES, API_VALUES, exportedNames, sorted, TASKER_TYPES, TASKER_VALUES } from './public-api.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('tasker as an installed package', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'tasker-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'tasker'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is importable by name from another program and runs a task', () => {
    writeFileSync(
      join(dir, 'main.mjs'),
      `import { Tasker, defineTask, PermanentError, routeTo } from 'tasker';
const template = defineTask({ name: 'hello', namespace_name: 'demo', module_namespace: 'Demo', step_templates: [{ name: 'greet' }, { name: 'shout', depends_on_step: 'greet' }] });
const tasker = await Tasker.open({ db: 'sqlite::memory:', templates: [template], handlers: {
  'Demo::GreetHandler': (task) => ({ text: 'hello ' + task.context.who }),
  'Demo::ShoutHandler': (task, sequence) => ({ text: sequence.findStepByName('greet').results.text.toUpperCase() }),
} });
const task = await tasker.run({ namespace: 'demo', name: 'hello', context: { who: 'world' } });
await tasker.close();
console.log(JSON.stringify({ state: task.current_state, text: task.workflow_steps[1].results.text, types: [typeof PermanentError, typeof routeTo] }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(out).toEqual({ state: 'completed', text: 'HELLO WORLD', types: ['function', 'function'] });
  });

  it('serves the HTTP API from the `tasker/api` entry, which the `tasker` entry does not load', () => {
    writeFileSync(
      join(dir, 'api.mjs'),
      `import * as core from 'tasker';
import { createApiServer, signJwt, TaskerMetrics } from 'tasker/api';
const tasker = await core.Tasker.open({ db: 'sqlite::memory:', concurrency: 0, start: false });
const app = createApiServer(tasker, { auth: false });
const res = await app.inject({ method: 'GET', url: '/tasker/health/live' });
await app.close();
await tasker.close();
console.log(JSON.stringify({ status: res.statusCode, inCore: 'createApiServer' in core, types: [typeof signJwt, typeof TaskerMetrics] }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['api.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(out).toEqual({ status: 200, inCore: false, types: ['function', 'function'] });
  });

  it('exports exactly the reviewed names from the built entries, and its errors carry the brand', () => {
    writeFileSync(
      join(dir, 'exports.mjs'),
      `import * as core from 'tasker';
import * as api from 'tasker/api';
const brand = Symbol.for('tasker.error');
console.log(JSON.stringify({ core: Object.keys(core), api: Object.keys(api),
  brands: [new core.TaskerError('x', 'not_found')[brand], new core.PermanentError('x')[brand], new core.RetryableError('x')[brand]] }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['exports.mjs'], { cwd: dir, encoding: 'utf8' }));
    const stale = 'dist differs from the reviewed list; if src/index.ts changed, rebuild with `npm run build`';
    expect(sorted(out.core), stale).toEqual(sorted(TASKER_VALUES));
    expect(sorted(out.api), stale).toEqual(sorted(API_VALUES));
    expect(out.brands).toEqual(['error', 'permanent', 'retryable']);
    const index = join(ROOT, 'dist/index.d.ts');
    const apiIndex = join(ROOT, 'dist/api.d.ts');
    const names = exportedNames([index, apiIndex]);
    expect(names.get(index), stale).toEqual(sorted([...TASKER_VALUES, ...TASKER_TYPES]));
    expect(names.get(apiIndex), stale).toEqual(sorted([...API_VALUES, ...API_TYPES]));
  });

  it('ships type declarations through the exports map', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(existsSync(join(ROOT, pkg.exports['.'].types))).toBe(true);
    // Declarations shared by the two entries live in a chunk both import; read each entry with what it imports.
    const withChunks = (entry: string): string => {
      const text = readFileSync(join(ROOT, 'dist', entry), 'utf8');
      const chunks = [...text.matchAll(/from '\.\/([^']+)\.js'/g)].map((m) =>
        readFileSync(join(ROOT, 'dist', `${m[1]}.d.ts`), 'utf8'),
      );
      return [text, ...chunks].join('\n');
    };
    expect(withChunks('index.d.ts')).toContain('declare class Tasker');
    expect(withChunks('index.d.ts')).toMatch(/as Tasker\b|\bTasker,/);
    expect(pkg.exports['./api'].types).toBe('./dist/api.d.ts');
    expect(withChunks('api.d.ts')).toContain('declare function createApiServer');
  });

  it('installs a working `tasker` binary', () => {
    const help = execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--help'], { encoding: 'utf8' });
    for (const cmd of ['run', 'validate', 'graph', 'worker', 'submit', 'resume', 'tasks', 'serve', 'migrate'])
      expect(help).toContain(cmd);
    const version = execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--version'], {
      encoding: 'utf8',
    }).trim();
    expect(version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
