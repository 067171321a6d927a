// `npm run bench`: runs every selected target through the selected workloads (a warm-up, then N measured runs,
// median reported), prints a table and writes the results JSON that bench/report.ts turns into markdown + SVG.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { aggregate } from './aggregate.js';
import { describeCorrectness } from './correctness.js';
import { describeCell } from './format.js';
import { addVersions, describeMachine } from './machine.js';
import type { Cell, ResultsFile, RunResult } from './results-model.js';
import { runWorkload } from './run-workload.js';
import { selectTargets } from './targets/registry.js';
import type { BenchTarget, TargetOptions } from './targets/target.js';
import { killAllWorkers } from './worker-pool.js';
import {
  FULL_SIZES, parseWorkloadList, QUICK_SIZES, WORKLOAD_IDS, workloads, type WorkloadDef,
} from './workloads.js';

function positiveInt(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

function workerList(value: string): number[] {
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError(`--workers: "${s}" is not a count in 0..64`);
    return n;
  });
}

const program = new Command('bench')
  .description('Benchmark Tasker and its peers (graphile-worker, pg-boss, BullMQ) on workloads W1–W6 of issue 5')
  .option('--quick', 'scaled-down workloads for a run of a few minutes', false)
  .option('--only <targets>', 'comma-separated target names (default: every default target)')
  .option('--workloads <ids>', 'comma-separated workload ids', WORKLOAD_IDS.join(','))
  .option('--runs <n>', 'measured runs per cell after one warm-up', positiveInt('--runs', 1), 3)
  .option('--workers <counts>', 'worker-process counts to run, e.g. 1,2,4 (0 = inside the harness process)', workerList, [1])
  .option('--out <file>', 'results JSON path (default bench/results/<timestamp>.json)')
  .option('--stall-ms <ms>', 'fail a run when no step completes for this long', positiveInt('--stall-ms', 100), 30_000)
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{ quick: boolean; only?: string; workloads: string; runs: number; workers: number[];
    out?: string; stallMs: number }>();
  const sizes = opts.quick ? QUICK_SIZES : FULL_SIZES;
  const defs = workloads(sizes);
  const selected = parseWorkloadList(opts.workloads).map((id) => defs[id]);
  const entries = selectTargets(opts.only);
  const targetOptions: TargetOptions = {
    postgresUrl: process.env.BENCH_PG_URL ?? 'postgres://root@127.0.0.1:5432/test',
    redisHost: process.env.BENCH_REDIS_HOST ?? '127.0.0.1',
    redisPort: Number(process.env.BENCH_REDIS_PORT ?? 6379),
    redisDb: Number(process.env.BENCH_REDIS_DB ?? 7),
    shapes: { chainLength: sizes.chainLength, fanoutWidth: sizes.fanoutWidth },
  };
  const startedAt = new Date();
  const out = resolve(opts.out ?? `bench/results/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = await describeMachine(targetOptions.postgresUrl);
  const results: ResultsFile = {
    startedAt: startedAt.toISOString(), finishedAt: '', command: process.argv.slice(2).join(' '), quick: opts.quick,
    runsPerCell: opts.runs, machine,
    workloads: selected.map((w) => ({ id: w.id, title: w.title, headline: w.headline })),
    targets: [], cells: [],
  };
  log(`machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, postgres ${machine.postgres}`);

  for (const entry of entries) {
    let target: BenchTarget | undefined;
    let setupError: string | undefined;
    try {
      target = await entry.load(targetOptions);
      log(`\n== ${target.name}: ${target.config}`);
      await target.setup();
      addVersions(machine, await target.versions());
    } catch (err) {
      setupError = err instanceof Error ? err.message : String(err);
      log(`\n== ${entry.name}: setup failed: ${setupError}`);
    }
    results.targets.push({ name: entry.name, config: target?.config ?? '', ...(setupError ? { error: setupError } : {}) });
    const workerCounts = target?.inProcessOnly ? [0] : opts.workers;
    try {
      for (const workers of workerCounts) {
        for (const workload of selected) {
          const cell = setupError || !target
            ? aggregate([failed(entry.name, workload, workers, `setup failed: ${setupError}`)])
            : await runCell(target, workload, workers, opts.runs, targetOptions, opts.stallMs);
          results.cells.push(cell);
          log(`  ${workload.id} ×${workers}: ${describeCell(cell)}`);
        }
      }
    } finally {
      if (target && !setupError) await target.teardown().catch((err: unknown) => log(`  teardown failed: ${String(err)}`));
    }
  }
  results.finishedAt = new Date().toISOString();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  printTable(results.cells, selected);
  log(`\nresults: ${out}`);
}

async function runCell(target: BenchTarget, workload: WorkloadDef, workers: number, runs: number,
  options: TargetOptions, stallMs: number): Promise<Cell> {
  const all: RunResult[] = [];
  for (let run = 0; run <= runs; run++) {
    const r = await runWorkload({ target, workload, workers, run, shapes: options.shapes, stallMs });
    all.push(r);
    const what = r.error ? `error: ${r.error}` : describeCorrectness(r.correctness);
    log(`    ${workload.id} ${run === 0 ? 'warm-up' : `run ${run}`}: ${Number.isFinite(r.wallMs) ? `${r.wallMs.toFixed(1)} ms` : ''} ${what}`);
  }
  return aggregate(all);
}

function failed(target: string, workload: WorkloadDef, workers: number, error: string): RunResult {
  return {
    target, workload: workload.id, workers, run: 1, tasks: workload.tasks, steps: 0, wallMs: NaN, metrics: {}, error,
    correctness: { valid: false, expectedSteps: 0, executions: 0, duplicates: 0, missing: 0, earlyStarts: 0, malformed: 0, examples: [] },
  };
}

function printTable(cells: Cell[], selected: WorkloadDef[]): void {
  const lines = ['', 'workload  target                     workers  median of valid runs'];
  for (const w of selected) {
    for (const c of cells.filter((x) => x.workload === w.id)) {
      lines.push(`${w.id.padEnd(9)} ${c.target.padEnd(26)} ${String(c.workers).padStart(7)}  ${describeCell(c)}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllWorkers();
    process.exit(130);
  });
}
process.on('exit', killAllWorkers);

main().catch((err: unknown) => {
  killAllWorkers();
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
