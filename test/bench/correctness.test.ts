// The benchmark's correctness checker: accepts a proper run and rejects duplicated, missing and early steps.
import { describe, expect, it } from 'vitest';
import { checkRun, describeCorrectness } from '../../bench/correctness.js';
import { recordsFrom } from '../../bench/recorder.js';
import { chainShape, diamondShape, fanoutShape } from '../../bench/workloads.js';

// A diamond task run properly: A, then B/C/D, then E after all three ended.
const diamondRows = (task: number, offset = 0): Array<[number, number, number, number]> => [
  [task, 0, offset + 0, offset + 1],
  [task, 1, offset + 2, offset + 3],
  [task, 2, offset + 2, offset + 4],
  [task, 3, offset + 1, offset + 5],
  [task, 4, offset + 6, offset + 7],
];

describe('checkRun', () => {
  it('accepts a run where every step ran once and after its parents', () => {
    const report = checkRun(diamondShape(), 2, recordsFrom([...diamondRows(0), ...diamondRows(1, 10)]));
    expect(report.valid).toBe(true);
    expect(report.executions).toBe(10);
    expect(describeCorrectness(report)).toBe('ok 10/10');
  });

  it('rejects a duplicated step', () => {
    const rows = [...diamondRows(0), [0, 2, 2.5, 2.6] as [number, number, number, number]];
    const report = checkRun(diamondShape(), 1, recordsFrom(rows));
    expect(report.valid).toBe(false);
    expect(report.duplicates).toBe(1);
    expect(report.examples[0]).toContain('task 0 step C ran more than once');
  });

  it('rejects a dependent that started before one of its parents completed', () => {
    const rows = diamondRows(0);
    rows[4] = [0, 4, 4.5, 7]; // E starts at 4.5 while D ends at 5
    const report = checkRun(diamondShape(), 1, recordsFrom(rows));
    expect(report.valid).toBe(false);
    expect(report.earlyStarts).toBe(1);
    expect(report.examples[0]).toContain('started before its parent D completed');
  });

  it('rejects a missing step and a dependent whose parent never ran', () => {
    const rows = diamondRows(0).filter(([, step]) => step !== 1);
    const report = checkRun(diamondShape(), 1, recordsFrom(rows));
    expect(report.valid).toBe(false);
    expect(report.missing).toBe(1);
    expect(report.earlyStarts).toBe(1);
  });

  it('rejects records outside the run and a duplicate hidden behind a missing step', () => {
    const shape = chainShape(3);
    const report = checkRun(
      shape,
      1,
      recordsFrom([
        [0, 0, 0, 1],
        [0, 1, 2, 3],
        [0, 1, 4, 5],
        [1, 0, 0, 1],
      ]),
    );
    expect(report.valid).toBe(false);
    expect(report.duplicates).toBe(1);
    expect(report.missing).toBe(1);
    expect(report.malformed).toBe(1);
  });

  it('checks the join of a fan-out against every parallel step', () => {
    const shape = fanoutShape(3);
    const ok = recordsFrom([
      [0, 0, 0, 1],
      [0, 1, 1, 2],
      [0, 2, 1, 3],
      [0, 3, 1, 9],
      [0, 4, 9, 10],
    ]);
    expect(checkRun(shape, 1, ok).valid).toBe(true);
    const early = recordsFrom([
      [0, 0, 0, 1],
      [0, 1, 1, 2],
      [0, 2, 1, 3],
      [0, 3, 1, 9],
      [0, 4, 8, 10],
    ]);
    expect(checkRun(shape, 1, early).earlyStarts).toBe(1);
  });
});
