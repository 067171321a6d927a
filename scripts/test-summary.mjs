#!/usr/bin/env node
// Test results in one line. A run's totals (what scripts/run-tests.mjs writes with --totals-file) are
// { passed, failed, skipped, stores, node, problems }; summaryLine() prints them as "N passed, N failed" plus the
// stores that ran. Run directly with totals files (`node scripts/test-summary.mjs a.json b.json`, as .ci/run does)
// it adds them up and ends with one such line for all of them; a missing or unreadable file counts as a failure.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function emptyTotals() {
  return { passed: 0, failed: 0, skipped: 0, stores: [], node: [], problems: [] };
}

/** Adds `more` into `totals` (stores and Node versions as sets, in order of appearance). */
export function addTotals(totals, more) {
  totals.passed += more.passed ?? 0;
  totals.failed += more.failed ?? 0;
  totals.skipped += more.skipped ?? 0;
  for (const s of more.stores ?? []) if (!totals.stores.includes(s)) totals.stores.push(s);
  for (const n of [more.node ?? []].flat()) if (!totals.node.includes(n)) totals.node.push(n);
  totals.problems.push(...(more.problems ?? []));
  return totals;
}

/** "485 passed, 0 failed; stores: sqlite, postgres" (skips and Node versions when there are any). */
export function summaryLine(totals) {
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
  const stores = `; stores: ${totals.stores.length ? totals.stores.join(', ') : 'none'}`;
  const node = totals.node.length ? `; node ${totals.node.join(', ')}` : '';
  return `${totals.passed} passed, ${totals.failed} failed${skipped}${stores}${node}`;
}

// Run directly (also through a symlink), not imported by run-tests.mjs.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  const totals = emptyTotals();
  if (files.length === 0) addTotals(totals, { failed: 1, problems: ['no test results were given'] });
  for (const file of files) {
    try {
      addTotals(totals, JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      addTotals(totals, { failed: 1, problems: [`no test results in ${file} (${err.code ?? err.message})`] });
    }
  }
  for (const p of totals.problems) console.log(`problem: ${p}`);
  console.log(`\n${summaryLine(totals)}`);
  process.exit(totals.failed === 0 ? 0 : 1);
}
