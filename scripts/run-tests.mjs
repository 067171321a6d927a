#!/usr/bin/env node
// The test command: runs the parallel vitest phase, then the serial phase (tests that restart PostgreSQL),
// and ends with one plain "N passed, N failed" line summing both, with the stores that ran. Exits non-zero if
// anything failed. Failed counts every failed test, every file or hook error outside a test
// (scripts/vitest-counts-reporter.mjs) and every error vitest reported outside the tests; under CI=true a skipped
// test counts as failed too: in CI every test runs.
//   --no-serial          the parallel phase only
//   --totals-file <f>    write the totals as JSON to <f> for scripts/test-summary.mjs to add up (.ci/run), and
//                        print a labelled line instead of the "N passed, N failed" one
// Any other argument goes to vitest (file filters, -t).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectedStores } from './test-stores.mjs';
import { addTotals, emptyTotals, summaryLine } from './test-summary.mjs';

const args = process.argv.slice(2);
let serial = true;
let totalsFile = null;
const extra = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--no-serial') serial = false;
  else if (args[i] === '--totals-file') totalsFile = args[++i];
  else if (args[i].startsWith('--totals-file=')) totalsFile = args[i].slice('--totals-file='.length);
  else extra.push(args[i]);
}
if (totalsFile === undefined || totalsFile === '') {
  console.error('run-tests: --totals-file needs a file name');
  process.exit(2);
}

let stores;
try {
  stores = selectedStores();
} catch (err) {
  console.error(`run-tests: ${err.message}`);
  process.exit(2);
}
const ci = /^(1|true|yes)$/i.test(process.env.CI ?? '');

const phases = [{ name: 'parallel', config: 'vitest.config.ts' }];
if (serial) phases.push({ name: 'serial', config: 'vitest.serial.config.ts' });
const dir = mkdtempSync(join(tmpdir(), 'tasker-vitest-'));
const totals = addTotals(emptyTotals(), { stores, node: process.version });
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
      '--reporter=./scripts/vitest-counts-reporter.mjs',
      '--passWithNoTests',
      ...extra,
    ],
    { stdio: 'inherit', env: { ...process.env, TASKER_TEST_COUNTS_FILE: out } },
  );
  if (!existsSync(out)) {
    addTotals(totals, { failed: 1, problems: [`${phase.name} phase: vitest exited (${res.status}) without results`] });
    continue;
  }
  const counts = JSON.parse(readFileSync(out, 'utf8'));
  const problems = [
    ...counts.fileErrors.map((e) => `${phase.name} phase: ${e}`),
    ...(counts.unhandledErrors ? [`${phase.name} phase: ${counts.unhandledErrors} errors outside any test`] : []),
  ];
  let failed = counts.failed + counts.fileErrors.length + counts.unhandledErrors;
  if (ci && counts.skipped) {
    failed += counts.skipped;
    problems.push(...counts.skippedTests.map((t) => `${phase.name} phase: skipped under CI=true: ${t}`));
  }
  if (res.status !== 0 && failed === 0) {
    failed = 1;
    problems.push(`${phase.name} phase: vitest exited with ${res.status ?? res.signal}`);
  }
  addTotals(totals, { passed: counts.passed, failed, skipped: counts.skipped, problems });
}
rmSync(dir, { recursive: true, force: true });

for (const p of totals.problems) console.log(`problem: ${p}`);
if (totalsFile) {
  writeFileSync(totalsFile, JSON.stringify(totals));
  const { passed, failed, skipped } = totals;
  console.log(
    `\n[node ${process.version}, ${phases.map((p) => p.name).join(' + ')}] passed ${passed}, failed ` +
      `${failed}, skipped ${skipped}; stores: ${stores.join(', ')}`,
  );
} else {
  console.log(`\n${summaryLine(totals)}`);
}
process.exit(totals.failed === 0 ? 0 : 1);
