// `tasker run` and `tasker submit` need only the template they use to be valid: problems in other templates of the
// same directory are warnings (one line each, with file:line) and those templates are left out. `worker` and
// `validate` stay strict.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-partial-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
mkdirSync(path.join(tmp, 'tasks'));
const template = (file: string, text: string) => writeFileSync(path.join(tmp, 'tasks', file), text);
template(
  'good.yaml',
  'name: hello\nnamespace_name: t\nversion: 1.0.0\nmodule_namespace: T\nstep_templates:\n  - name: greet\n',
);
template(
  'typo.yaml',
  'name: broken\nnamespace_name: t\nmodule_namespace: T\nstep_templates:\n  - name: greet\n    depend_on_step: x\n',
);
template('syntax.yaml', 'name: yaml_error\nstep_templates:\n  - name: [a\n');
template(
  'unhandled.yaml',
  'name: unhandled\nnamespace_name: t\nmodule_namespace: T\nstep_templates:\n  - name: missing_one\n',
);
writeFileSync(path.join(tmp, 'handlers.mjs'), `export const handlers = { 'T::GreetHandler': () => ({ hi: 1 }) };\n`);

const ARGS = ['--templates', 'tasks', '--handlers', 'handlers.mjs', '--db', 'sqlite:tasker.db'];
const cli = (args: string[]) => runCli(args, { cwd: tmp });
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('tasker: warning: '));

describe('run and submit with an unrelated invalid template', () => {
  it('run completes the valid template and warns about the others, one line each with file:line', async () => {
    const r = await cli(['run', 't/hello', ...ARGS, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).current_state).toBe('completed');
    const w = warnings(r.stderr);
    expect(w).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^tasker: warning: tasks\/typo\.yaml:6:5: t\/broken: step 'greet': key 'depend_on_step': unknown key/,
        ),
        expect.stringMatching(/^tasker: warning: tasks\/syntax\.yaml:\d+:\d+: YAML syntax error/),
        expect.stringMatching(
          /^tasker: warning: tasks\/unhandled\.yaml:5:\d+: t\/unhandled: step 'missing_one': .*no handler registered as 'T::MissingOneHandler'/,
        ),
      ]),
    );
    expect(
      r.stderr
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('tasker: warning: ')),
    ).toBe(true);
  });

  it('submit creates the task and warns likewise', async () => {
    const r = await cli(['submit', 't/hello', ...ARGS]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+$/);
    expect(warnings(r.stderr).some((l) => l.includes('tasks/typo.yaml:6:5'))).toBe(true);
  });

  it('still refuses to run the invalid template itself, listing its problems (exit 2)', async () => {
    const r = await cli(['run', 't/broken', ...ARGS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('template t/broken is invalid (1 problem)');
    expect(r.stderr).toContain("tasks/typo.yaml:6:5: t/broken: step 'greet': key 'depend_on_step': unknown key");
    const unhandled = await cli(['run', 't/unhandled', ...ARGS]);
    expect(unhandled.code).toBe(2);
    expect(unhandled.stderr).toContain("no handler registered as 'T::MissingOneHandler'");
  });

  it('names the files that could not be loaded when the template is not found', async () => {
    const r = await cli(['run', 'default/yaml_error', ...ARGS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown template default/yaml_error');
    expect(r.stderr).toMatch(/tasks\/syntax\.yaml:\d+:\d+: YAML syntax error/);
  });
});

describe('strict commands', () => {
  it('worker refuses to start with any invalid template (exit 2)', async () => {
    const r = await cli(['worker', ...ARGS]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tasks/typo.yaml:6:5');
  });
});
