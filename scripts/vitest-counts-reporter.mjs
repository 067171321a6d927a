// A vitest reporter for scripts/run-tests.mjs: at the end of a run it writes the counts to the JSON file named by
// $TASKER_TEST_COUNTS_FILE — tests passed, failed and skipped (with the skipped ones' names), and the failures no
// test accounts for: a test file that failed to load, a hook that failed (beforeAll/afterAll of a file or suite),
// an error thrown outside any test. Vitest's JSON report counts a failed file only as a failed "suite", among the
// describe blocks that a failing test also fails, so a file error beside a failed test could not be told apart.
import { writeFileSync } from 'node:fs';

export default class CountsReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const counts = { passed: 0, failed: 0, skipped: 0, skippedTests: [], fileErrors: [], unhandledErrors: 0, reason };
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else {
          counts.skipped++; // skipped, or pending: it never ran
          counts.skippedTests.push(`${mod.relativeModuleId} > ${test.fullName}`);
        }
      }
      for (const suite of [mod, ...mod.children.allSuites()])
        for (const error of suite.errors()) counts.fileErrors.push(`${mod.relativeModuleId}: ${firstLine(error)}`);
    }
    counts.unhandledErrors = unhandledErrors.length;
    const file = process.env.TASKER_TEST_COUNTS_FILE;
    if (file) writeFileSync(file, JSON.stringify(counts));
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}
