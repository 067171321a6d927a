// Best-vs-best grouping of bench results (issue 16): each system's best over concurrency, variants and worker
// counts, ours ÷ the best peer between bests and at equal concurrency, and the report tables built on them.
import { describe, expect, it } from 'vitest';
import { bestVsBest, concurrenciesOf, configLabel, equalConcurrency, systemOf, systemsOf } from '../../bench/best.js';
import { bestTable, equalConcurrencyTable } from '../../bench/report-tables.js';
import type { Cell, Metrics, ResultsFile } from '../../bench/results-model.js';
import type { WorkloadId } from '../../bench/workloads.js';

function cell(
  target: string,
  workload: WorkloadId,
  workers: number,
  concurrency: number | undefined,
  median: Metrics,
  validRuns = 3,
): Cell {
  return {
    target,
    workload,
    workers,
    ...(concurrency !== undefined ? { concurrency } : {}),
    median,
    validRuns,
    invalidRuns: validRuns === 0 ? 3 : 0,
    errorRuns: 0,
    runs: [],
  };
}

// W1 (steps/s, higher is better) and W3 (ms/step, lower is better) at concurrency 10, 50 and 500.
const cells: Cell[] = [
  cell('tasker-sqlite', 'W1', 0, 10, { stepsPerSec: 15_000 }),
  cell('tasker-sqlite', 'W1', 0, 500, { stepsPerSec: 20_000 }),
  cell('tasker-postgres', 'W1', 0, 10, { stepsPerSec: 5_000 }),
  cell('tasker-postgres', 'W1', 1, 10, { stepsPerSec: 4_000 }),
  cell('tasker-postgres', 'W1', 1, 500, { stepsPerSec: 9_000 }),
  cell('graphile-worker', 'W1', 1, 10, { stepsPerSec: 8_000 }),
  cell('graphile-worker', 'W1', 1, 500, { stepsPerSec: 24_000 }),
  cell('graphile-worker-nobatch', 'W1', 1, 500, { stepsPerSec: 26_000 }),
  cell('bullmq', 'W1', 1, 10, { stepsPerSec: 2_500 }),
  cell('bullmq', 'W1', 1, 50, { stepsPerSec: 12_000 }),
  // An invalid cell never counts, whatever its figure.
  cell('pg-boss', 'W1', 1, 500, { stepsPerSec: 1_000_000 }, 0),
  cell('pg-boss', 'W1', 1, 10, { stepsPerSec: 3_000 }),
  cell('tasker-postgres', 'W3', 0, 50, { chainMeanMs: 0.8 }),
  cell('tasker-postgres', 'W3', 1, 50, { chainMeanMs: 1.1 }),
  cell('bullmq', 'W3', 1, 10, { chainMeanMs: 0.5 }),
  cell('bullmq', 'W3', 1, 50, { chainMeanMs: 0.4 }),
  cell('graphile-worker-nobatch', 'W3', 1, 50, { chainMeanMs: 2.5 }),
];

describe('systems', () => {
  it('groups the graphile-worker variants into one system, ours first', () => {
    expect(systemOf('graphile-worker-nobatch')).toBe('graphile-worker');
    expect(systemOf('tasker-postgres')).toBe('tasker-postgres');
    expect(systemOf('tasker-postgres-queue')).toBe('tasker-postgres');
    expect(systemsOf(cells)).toEqual({
      ours: ['tasker-sqlite', 'tasker-postgres'],
      peers: ['graphile-worker', 'bullmq', 'pg-boss'],
    });
    expect(concurrenciesOf(cells)).toEqual([10, 50, 500]);
  });
});

describe('bestVsBest', () => {
  it('picks the highest valid figure of each system across variants, workers and concurrency', () => {
    const { bests, ratios } = bestVsBest(cells, 'W1', 'stepsPerSec');
    const graphile = bests.get('graphile-worker')!;
    expect(graphile).toEqual({
      system: 'graphile-worker',
      target: 'graphile-worker-nobatch',
      workers: 1,
      concurrency: 500,
      value: 26_000,
    });
    expect(configLabel(graphile)).toBe('nobatch ×1 c500');
    expect(bests.get('pg-boss')!.value).toBe(3_000);
    expect(configLabel(bests.get('tasker-postgres')!)).toBe('×1 c500');
    expect(ratios.map((r) => [r.system, r.ratio, r.peer?.target])).toEqual([
      ['tasker-sqlite', 20_000 / 26_000, 'graphile-worker-nobatch'],
      ['tasker-postgres', 9_000 / 26_000, 'graphile-worker-nobatch'],
    ]);
  });

  it('picks the lowest figure when lower is better, and has no ratio for a system that did not run', () => {
    const { bests, ratios } = bestVsBest(cells, 'W3', 'chainMeanMs');
    expect(configLabel(bests.get('tasker-postgres')!)).toBe('×in-process c50');
    expect(bests.get('bullmq')!.value).toBe(0.4);
    expect(ratios[0]).toEqual({ system: 'tasker-sqlite', peer: bests.get('bullmq') });
    expect(ratios[1]!.ratio).toBe(0.8 / 0.4);
  });
});

describe('equalConcurrency', () => {
  it('compares ours with the best peer at each concurrency value', () => {
    const at = equalConcurrency(cells, 'W1', 'stepsPerSec');
    expect(at.map((a) => a.concurrency)).toEqual([10, 50, 500]);
    const ratio = (c: number, system: string) =>
      at.find((a) => a.concurrency === c)!.ratios.find((r) => r.system === system)!;
    // c10: tasker-postgres's best is in-process (5,000); the best peer is graphile-worker (8,000).
    expect(ratio(10, 'tasker-postgres').ratio).toBe(5_000 / 8_000);
    expect(ratio(10, 'tasker-sqlite').ratio).toBe(15_000 / 8_000);
    // c50: no Tasker cell, BullMQ is the only peer.
    expect(ratio(50, 'tasker-postgres').ratio).toBeUndefined();
    expect(ratio(50, 'tasker-postgres').peer!.system).toBe('bullmq');
    // c500: pg-boss's invalid cell is ignored; graphile-worker-nobatch is the best peer.
    expect(ratio(500, 'tasker-postgres').ratio).toBe(9_000 / 26_000);
    expect(ratio(500, 'tasker-postgres').peer!.target).toBe('graphile-worker-nobatch');
  });

  it('has nothing to compare in results written before the sweep', () => {
    const legacy = [
      cell('tasker-sqlite', 'W1', 0, undefined, { stepsPerSec: 2 }),
      cell('bullmq', 'W1', 1, undefined, { stepsPerSec: 4 }),
    ];
    expect(equalConcurrency(legacy, 'W1', 'stepsPerSec')).toEqual([]);
    const { bests, ratios } = bestVsBest(legacy, 'W1', 'stepsPerSec');
    expect(configLabel(bests.get('tasker-sqlite')!)).toBe('×in-process');
    expect(ratios[0]!.ratio).toBe(0.5);
  });
});

describe('report tables', () => {
  const results = {
    workloads: [
      { id: 'W1', title: 'flat', headline: { metric: 'stepsPerSec', unit: 'steps/s', higherIsBetter: true } },
    ],
    cells: cells.filter((c) => c.workload === 'W1'),
  } as unknown as ResultsFile;

  it('shows each system best with its configuration and ours ÷ best peer', () => {
    const rows = bestTable(results);
    expect(rows[0]).toBe(
      '| Workload | Figure | tasker-sqlite | tasker-postgres | graphile-worker | bullmq | pg-boss | ' +
        'tasker-sqlite ÷ best peer | tasker-postgres ÷ best peer |',
    );
    expect(rows[2]).toContain('| 20,000 (×in-process c500) | 9,000 (×1 c500) | 26,000 (nobatch ×1 c500) |');
    expect(rows[2]).toContain('| 0.35 (vs graphile-worker nobatch ×1 c500) |');
  });

  it('has one ratio column per concurrency and system of ours', () => {
    const rows = equalConcurrencyTable(results);
    expect(rows[0]).toContain('tasker-postgres ÷ best peer, c10 | tasker-sqlite ÷ best peer, c50');
    expect(rows[2]).toContain('| 1.88 (vs graphile-worker) | 0.63 (vs graphile-worker) | — | — |');
  });
});
