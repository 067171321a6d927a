// The test command's own honesty (scripts/run-tests.mjs, scripts/test-summary.mjs, scripts/test-stores.mjs): run
// for real on a small project of probe test files in a temp dir, it counts a file that fails to load and a failed
// hook beside a failed test, says which stores ran, refuses a TASKER_TEST_STORES that names no store, fails skipped
// tests under CI=true, and .ci/run's sum of several runs ends with one line for all of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectedStores } from '../../scripts/test-stores.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

const PROBES: Record<string, string> = {
  'probe/ok.test.ts': `import { it } from 'vitest';
it('passes', () => {});
it.skip('is skipped', () => {});`,
  'probe/broken.test.ts': `import './does-not-exist.js';
import { it } from 'vitest';
it('never runs', () => {});`,
  'probe/mixed.test.ts': `import { afterAll, expect, it } from 'vitest';
afterAll(() => { throw new Error('afterAll broke'); });
it('fails', () => expect(1).toBe(2));
it('passes too', () => {});`,
  'serial/alone.serial.test.ts': `import { it } from 'vitest';
it('passes alone', () => {});`,
};

let dir: string;

/** Runs a script of the repo in the probe project; the environment is the caller's minus vitest's own. */
function run(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('TASKER_TEST')),
  );
  const res = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...base, CI: '', ...env },
    encoding: 'utf8',
  });
  const lines = res.stdout.trimEnd().split('\n');
  return { code: res.status, last: lines.at(-1)!, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tasker-runner-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'scripts'), join(dir, 'scripts'), 'dir');
  mkdirSync(join(dir, 'probe'));
  mkdirSync(join(dir, 'serial'));
  for (const [file, text] of Object.entries(PROBES)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, 'vitest.config.ts'), `export default { test: { include: ['probe/**/*.test.ts'] } };\n`);
  writeFileSync(
    join(dir, 'vitest.serial.config.ts'),
    `export default { test: { include: ['serial/**/*.serial.test.ts'] } };\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/run-tests.mjs', () => {
  it('counts failed tests, files that failed to load and failed hooks, and names the stores that ran', () => {
    const res = run(['scripts/run-tests.mjs']);
    expect(res.code).toBe(1);
    // 1 failed test + the file that did not load + the afterAll hook; passed: 2 in probe/, 1 in the serial phase.
    expect(res.last).toBe(`3 passed, 3 failed, 1 skipped; stores: sqlite, postgres; node ${process.version}`);
    expect(res.stdout).toContain('problem: parallel phase: probe/broken.test.ts: ');
    expect(res.stdout).toContain('problem: parallel phase: probe/mixed.test.ts: afterAll broke');
  }, 60_000);

  it('says which stores ran, and refuses a TASKER_TEST_STORES naming no store before running anything', () => {
    const one = run(['scripts/run-tests.mjs', 'serial/'], { TASKER_TEST_STORES: 'postgres' });
    expect(one.last).toBe(`1 passed, 0 failed; stores: postgres; node ${process.version}`);
    expect(one.code).toBe(0);
    const typo = run(['scripts/run-tests.mjs'], { TASKER_TEST_STORES: 'sqlite,postgress' });
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toContain("TASKER_TEST_STORES=sqlite,postgress: 'postgress' is not a store");
  }, 60_000);

  it('fails skipped tests under CI=true', () => {
    const local = run(['scripts/run-tests.mjs', '--no-serial', 'probe/ok.test.ts']);
    expect([local.code, local.last]).toEqual([
      0,
      `1 passed, 0 failed, 1 skipped; stores: sqlite, postgres; node ${process.version}`,
    ]);
    const ci = run(['scripts/run-tests.mjs', '--no-serial', 'probe/ok.test.ts'], { CI: 'true' });
    expect(ci.code).toBe(1);
    expect(ci.last).toBe(`1 passed, 1 failed, 1 skipped; stores: sqlite, postgres; node ${process.version}`);
    expect(ci.stdout).toContain('problem: parallel phase: skipped under CI=true: probe/ok.test.ts > is skipped');
  }, 60_000);

  it('writes totals for .ci/run, whose sum of every run is the one closing line', () => {
    const a = run(['scripts/run-tests.mjs', '--totals-file', 'a.json', 'serial/']);
    expect(a.code).toBe(0);
    expect(a.last).toBe(
      `[node ${process.version}, parallel + serial] passed 1, failed 0, skipped 0; stores: sqlite, postgres`,
    );
    const b = run(['scripts/run-tests.mjs', '--no-serial', '--totals-file', 'b.json', 'probe/mixed.test.ts'], {
      TASKER_TEST_STORES: 'sqlite',
    });
    expect(b.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).toMatchObject({ passed: 1, failed: 2, skipped: 0 });
    const sum = run(['scripts/test-summary.mjs', 'a.json', 'b.json']);
    expect(sum.code).toBe(1);
    expect(sum.last).toBe(`2 passed, 2 failed; stores: sqlite, postgres; node ${process.version}`);
    const missing = run(['scripts/test-summary.mjs', 'a.json', 'never-written.json']);
    expect(missing.code).toBe(1);
    expect(missing.last).toBe(`1 passed, 1 failed; stores: sqlite, postgres; node ${process.version}`);
    expect(missing.stdout).toContain('problem: no test results in never-written.json (ENOENT)');
  }, 60_000);
});

describe('TASKER_TEST_STORES', () => {
  it('selects stores by name, all when unset or empty, and throws on a name that is no store', () => {
    expect(selectedStores(undefined)).toEqual(['sqlite', 'postgres']);
    expect(selectedStores('')).toEqual(['sqlite', 'postgres']);
    expect(selectedStores(' postgres ')).toEqual(['postgres']);
    expect(selectedStores('postgres,sqlite')).toEqual(['sqlite', 'postgres']);
    expect(() => selectedStores('sqlite,postgress')).toThrow(
      "TASKER_TEST_STORES=sqlite,postgress: 'postgress' is not a store; name one or more of sqlite, postgres",
    );
    expect(() => selectedStores('sqlite,')).toThrow(/'' is not a store/);
  });
});
