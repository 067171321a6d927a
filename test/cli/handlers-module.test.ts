// Loading a handlers module from the CLI: a module whose top-level code never settles is cut off after
// --handlers-timeout with exit 2 (and the process exits even if the module keeps timers alive); a syntax error is
// one line naming file:line:col; a throw at the top level names where it was thrown.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-handlers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TEMPLATE = `name: hello
namespace_name: t
version: 1.0.0
module_namespace: T
step_templates:
  - name: greet
`;
writeFileSync(path.join(tmp, 'hello.yaml'), TEMPLATE);

function moduleFile(name: string, text: string): string {
  writeFileSync(path.join(tmp, name), text);
  return name;
}

const run = (handlers: string, extra: string[] = []) =>
  runCli(
    [
      'run',
      't/hello',
      '--templates',
      'hello.yaml',
      '--handlers',
      handlers,
      '--db',
      'sqlite:tasker.db',
      '--json',
      ...extra,
    ],
    { cwd: tmp },
  );

describe('tasker run with a handlers module that never finishes loading', () => {
  it('gives up after --handlers-timeout with exit 2, naming the file and the timeout', async () => {
    const file = moduleFile(
      'stuck.mjs',
      `await new Promise(() => {});\nexport const handlers = { 'T::GreetHandler': () => ({ hi: 1 }) };\n`,
    );
    const r = await run(file, ['--handlers-timeout', '300']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`handlers module ${file}: did not finish loading within 300 ms`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits even when the stuck module keeps a timer running', async () => {
    const file = moduleFile(
      'busy.mjs',
      `setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport default {};\n`,
    );
    const r = await run(file, ['--handlers-timeout', '300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did not finish loading within 300 ms');
  });

  it('tasker validate gives up likewise', async () => {
    const file = moduleFile('stuck-validate.mjs', `await new Promise(() => {});\nexport default {};\n`);
    const r = await runCli(['validate', 'hello.yaml', '--handlers', file, '--handlers-timeout', '300'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`handlers module ${file}: did not finish loading within 300 ms`);
  });

  it('rejects a bad --handlers-timeout', async () => {
    const r = await run(moduleFile('fine.mjs', `export const handlers = { 'T::GreetHandler': () => ({ hi: 1 }) };\n`), [
      '--handlers-timeout',
      'soon',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--handlers-timeout must be a whole number');
  });

  it('runs normally with a module that loads in time (the timer does not keep the process alive)', async () => {
    const r = await run(
      moduleFile('quick.mjs', `export const handlers = { 'T::GreetHandler': () => ({ hi: 1 }) };\n`),
      ['--handlers-timeout', '600000'],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).current_state).toBe('completed');
  });
});

describe('tasker run with a handlers module that does not compile', () => {
  const broken = `export const a = 1;\nexport function b( {\n  return 2;\n}\n`;

  it.each(['broken.ts', 'broken.mjs', 'broken.js'])('%s: one line with file:line:col', async (name) => {
    const r = await run(moduleFile(name, broken));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^tasker: handlers module ${name.replace('.', '\\.')}:3:\\d+: syntax error: .+`),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the line of a throw at the top level', async () => {
    const r = await run(moduleFile('throws.mjs', `const x = 1;\nthrow new Error('no config for ' + x);\n`));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tasker: handlers module throws.mjs:2:7: failed to load: Error: no config for 1');
  });
});
