// W7's per-key overlap check: task spans from first step start to last step end, compared per key.
import { describe, expect, it } from 'vitest';
import { checkKeyOverlap } from '../../bench/key-overlap.js';
import { recordsFrom } from '../../bench/recorder.js';

// Four two-step tasks over two keys (task t has key t % 2).
const keyOf = (t: number): number => t % 2;
type Row = [number, number, number, number];

describe('checkKeyOverlap', () => {
  it('accepts tasks of one key that run one after another, touching ends included', () => {
    const rows: Row[] = [
      [0, 0, 0, 1],
      [0, 1, 2, 3],
      [2, 0, 3, 4],
      [2, 1, 5, 6],
      // key 1 runs at the same time as key 0: different keys may overlap.
      [1, 0, 0, 2],
      [1, 1, 2, 4],
      [3, 0, 4.5, 5],
      [3, 1, 5, 7],
    ];
    const report = checkKeyOverlap(recordsFrom(rows), 4, keyOf, 1);
    expect(report).toEqual({ maxPerKey: 1, violations: 0, examples: [] });
  });

  it('counts a task that starts between the steps of another task of its key', () => {
    const rows: Row[] = [
      [0, 0, 0, 1],
      [0, 1, 5, 6],
      // task 2 (key 0) runs while task 0 waits between its steps.
      [2, 0, 2, 3],
      [2, 1, 3, 4],
      [1, 0, 0, 1],
      [1, 1, 1, 2],
    ];
    const report = checkKeyOverlap(recordsFrom(rows), 4, keyOf, 1);
    expect(report.violations).toBe(1);
    expect(report.maxPerKey).toBe(2);
    expect(report.examples[0]).toBe('key 0: task 2 started 4.000 ms before task 0 ended');
  });

  it('allows up to the limit and counts each start beyond it', () => {
    const rows: Row[] = [
      [0, 0, 0, 10],
      [2, 0, 1, 10],
      [4, 0, 2, 10],
      [6, 0, 3, 10],
    ];
    const report = checkKeyOverlap(recordsFrom(rows), 8, keyOf, 2);
    expect(report.maxPerKey).toBe(4);
    expect(report.violations).toBe(2);
  });
});
