// The bench's run plan: worker counts per workload (library mode for W1–W3 by default) and the sweep options.
import { describe, expect, it } from 'vitest';
import { parseConcurrencyList, parseWorkerList, planCells } from '../../bench/plan.js';
import { FULL_SIZES, workloads } from '../../bench/workloads.js';

const defs = workloads(FULL_SIZES);
const all = [defs.W1, defs.W2, defs.W3, defs.W4, defs.W5, defs.W6];
const cellsOf = (plan: ReturnType<typeof planCells>) => plan.map((c) => `${c.workload.id}×${c.workers}`);

describe('planCells', () => {
  it('runs W1–W3 in library mode too, by default, for a target that has one', () => {
    expect(cellsOf(planCells({ libraryMode: true }, all, undefined))).toEqual([
      'W1×0',
      'W2×0',
      'W3×0',
      'W1×1',
      'W2×1',
      'W3×1',
      'W4×1',
      'W5×1',
      'W6×1',
    ]);
  });

  it('runs one worker process by default otherwise, and in-process only targets in-process', () => {
    expect(cellsOf(planCells({}, [defs.W1, defs.W4], undefined))).toEqual(['W1×1', 'W4×1']);
    expect(cellsOf(planCells(undefined, [defs.W1], undefined))).toEqual(['W1×1']);
    expect(cellsOf(planCells({ inProcessOnly: true }, [defs.W1, defs.W4], [1, 2]))).toEqual(['W1×0', 'W4×0']);
  });

  it('follows an explicit --workers list for every workload', () => {
    expect(cellsOf(planCells({ libraryMode: true }, [defs.W1, defs.W5], [1, 2]))).toEqual([
      'W1×1',
      'W5×1',
      'W1×2',
      'W5×2',
    ]);
  });
});

describe('sweep options', () => {
  it('parses concurrency values, dropping repeats, and refuses what is not one', () => {
    expect(parseConcurrencyList('10, 50,500,50')).toEqual([10, 50, 500]);
    expect(parseConcurrencyList('500')).toEqual([500]);
    expect(() => parseConcurrencyList('10,0')).toThrow('--concurrency: "0" is not an integer in 1..10000');
    expect(() => parseConcurrencyList('ten')).toThrow('--concurrency');
    expect(parseWorkerList('0,1')).toEqual([0, 1]);
    expect(() => parseWorkerList('65')).toThrow('--workers');
  });
});
