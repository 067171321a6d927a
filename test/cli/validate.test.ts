// `tasker validate` end to end: the seed examples pass; a broken copy (typo key, cycle, unknown dependency) is
// rejected with messages naming file:line, step and key; --handlers checks resolution; usage errors exit 2.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './cli-runner.js';

const EXAMPLES = 'examples/config/tasker/tasks';
const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture edit failed: '${from}' not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

describe('tasker validate', () => {
  it('passes on the seed examples and exits 0', async () => {
    const r = await runCli(['validate', EXAMPLES]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok  ecommerce/order_verification@1.0.0  (5 steps, 3 levels)');
    expect(r.stdout.match(/^ok /gm)).toHaveLength(7);
    expect(r.stdout).toContain('7 templates valid');
  });

  it('rejects a broken copy with pointed messages and a non-zero exit', async () => {
    const dir = path.join(tmp, 'broken');
    cpSync(path.join(REPO, EXAMPLES), dir, { recursive: true });
    // a typo key
    edit(
      path.join(dir, 'ecommerce/order_verification_handler.yaml'),
      '  - name: check_payment_method\n    depends_on_step:',
      '  - name: check_payment_method\n    depend_on_step:',
    );
    // a cycle: the first pipeline step now waits for the last
    edit(
      path.join(dir, 'data_processing/pipeline_handler.yaml'),
      '  - name: extract_raw_data\n',
      '  - name: extract_raw_data\n    depends_on_step: load_to_warehouse\n',
    );
    // an unknown dependency
    edit(
      path.join(dir, 'onboarding/user_onboarding_handler.yaml'),
      'depends_on_step: create_account',
      'depends_on_step: create_acount',
    );

    const r = await runCli(['validate', dir]);
    expect(r.code).toBe(1);
    const file = (rel: string) => path.join(dir, rel);
    expect(r.stderr).toContain(
      `${file('ecommerce/order_verification_handler.yaml')}:14:5: ecommerce/order_verification: step 'check_payment_method': key 'depend_on_step': unknown key (did you mean 'depends_on_step'?)`,
    );
    expect(r.stderr).toContain(
      `${file('data_processing/pipeline_handler.yaml')}:10:22: data_processing/data_pipeline: step 'extract_raw_data': key 'depends_on_step': dependency cycle: extract_raw_data -> clean_data -> transform_data -> enrich_data -> validate_output -> load_to_warehouse -> extract_raw_data`,
    );
    expect(r.stderr).toContain(
      `${file('onboarding/user_onboarding_handler.yaml')}:11:22: onboarding/user_onboarding: step 'send_welcome_email': key 'depends_on_step': depends on 'create_acount', which is not a step of this template (did you mean 'create_account'?)`,
    );
    expect(r.stderr).toContain('validation failed: 3 problems (4 templates valid)');
    expect(r.stdout).not.toContain('order_verification');
  });

  it('reports YAML syntax errors and missing paths', async () => {
    const file = path.join(tmp, 'syntax.yaml');
    writeFileSync(file, 'name: t\nstep_templates:\n  - name: [a\n');
    const r = await runCli(['validate', file, path.join(tmp, 'missing-dir')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax error: `),
    );
    expect(r.stderr).toContain(`${path.join(tmp, 'missing-dir')}: no such file or directory`);
  });

  it('--handlers: reports steps whose handler does not resolve, and passes when all do', async () => {
    const partial = path.join(tmp, 'partial.mjs');
    writeFileSync(partial, `export default { 'Onboarding::CreateAccountHandler': async () => ({}) };\n`);
    const bad = await runCli(['validate', `${EXAMPLES}/onboarding`, '--handlers', partial]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "examples/config/tasker/tasks/onboarding/user_onboarding_handler.yaml:10:11: onboarding/user_onboarding: step 'send_welcome_email': key 'handler_class': no handler registered as 'Onboarding::SendWelcomeEmailHandler'",
    );
    expect(bad.stderr.match(/no handler registered/g)).toHaveLength(3);

    const full = path.join(tmp, 'full.ts');
    const names = ['CreateAccount', 'SendWelcomeEmail', 'SetupPreferences', 'ActivateTrial'];
    writeFileSync(
      full,
      `export const handlers: Record<string, () => Promise<object>> = {\n${names.map((n) => `  'Onboarding::${n}Handler': async () => ({}),`).join('\n')}\n};\n`,
    );
    const good = await runCli(['validate', `${EXAMPLES}/onboarding`, '--handlers', full]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('1 template valid, all handlers resolve');
  });

  it('--json prints a machine-readable report', async () => {
    const r = await runCli(['validate', EXAMPLES, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; templates: Array<{ key: string }>; issues: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.templates.map((t) => t.key)).toContain('data_processing/data_pipeline@1.0.0');
    expect(report.issues).toEqual([]);
  });

  it('usage errors exit 2: an unknown option, an unloadable handlers module, no default directory', async () => {
    const unknownOption = await runCli(['validate', EXAMPLES, '--strict']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--strict'");
    const badModule = await runCli(['validate', EXAMPLES, '--handlers', path.join(tmp, 'nope.mjs')]);
    expect(badModule.code).toBe(2);
    expect(badModule.stderr).toMatch(/nope\.mjs: file not found/);
    const noDefault = await runCli(['validate'], { cwd: tmp });
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toContain('config/tasker/tasks does not exist');
  });
});
