#!/usr/bin/env node
// The test command: runs the parallel vitest phase, then the serial phase (tests that restart PostgreSQL),
// and ends with one plain "N passed, N failed" line summing both. Exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'tasker-vitest-'));
const phases = [
  { name: 'parallel', config: 'vitest.config.ts' },
  { name: 'serial', config: 'vitest.serial.config.ts' },
];
let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const phase of phases) {
  const out = join(dir, `${phase.name}.json`);
  const res = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      phase.config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      '--passWithNoTests',
      ...extra,
    ],
    { stdio: 'inherit' },
  );
  if (res.status !== 0) ok = false;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0)
      failed += report.numFailedTestSuites;
  } else {
    ok = false;
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok && failed === 0 ? 0 : 1);
