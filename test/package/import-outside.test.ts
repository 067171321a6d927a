// The package as a user gets it: a program outside the repo imports `tasker` (built JS + types via the exports
// map) and runs a task on the embedded store; the `tasker` binary answers --help.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

  it('ships type declarations through the exports map', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(existsSync(join(ROOT, pkg.exports['.'].types))).toBe(true);
    expect(readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8')).toContain('declare class Tasker');
  });

  it('installs a working `tasker` binary', () => {
    const help = execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--help'], { encoding: 'utf8' });
    for (const cmd of ['run', 'validate', 'graph', 'worker', 'submit', 'resume', 'tasks', 'serve', 'migrate']) expect(help).toContain(cmd);
    const version = execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--version'], { encoding: 'utf8' }).trim();
    expect(version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
