// `npm run bench`: runs every selected target, at every value of the concurrency sweep, through the selected
// workloads (a warm-up, then N measured runs, median reported), prints a table and writes the results JSON that
// bench/report.ts turns into markdown + SVG. Without arguments: the full run of issue 16.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { aggregate } from './aggregate.js';
import { describeCorrectness } from './correctness.js';
import { describeCell } from './format.js';
import { addVersions, describeMachine } from './machine.js';
import type { Cell, ResultsFile, RunResult } from './results-model.js';
import { runWorkload, type RunSpec } from './run-workload.js';
import { selectTargets, type TargetEntry } from './targets/registry.js';
import type { BenchTarget, TargetOptions } from './targets/target.js';
import { compiledLaunch, sourceLaunch, type WorkerLaunch } from './worker-build.js';
import { killAllWorkers } from './worker-pool.js';
import {
  DEFAULT_CONCURRENCY,
  FULL_RUNS,
  parseConcurrencyList,
  parseWorkerList,
  planCells,
  QUICK_CONCURRENCY,
  QUICK_RUNS,
} from './plan.js';
import {
  BASE_SHAPES,
  FULL_SIZES,
  parseWorkloadList,
  QUICK_SIZES,
  WORKLOAD_IDS,
  workloads,
  type WorkloadDef,
} from './workloads.js';

function positiveInt(flag: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

const program = new Command('bench')
  .description(
    'Benchmark Tasker and its peers (graphile-worker, pg-boss, BullMQ) on workloads W1–W6 of issue 5, and W7/W7N ' +
      '(concurrency keys, issue 14) and W8 (map fan-out, issue 15) when named with --workloads',
  )
  .option(
    '--quick',
    'scaled-down workloads, concurrency 10,500 and one measured run per cell (unless given): a few minutes',
    false,
  )
  .option('--only <targets>', 'comma-separated target names (default: every default target)')
  .option('--workloads <ids>', 'comma-separated workload ids (W1–W6, W7, W7N, W8)', WORKLOAD_IDS.join(','))
  .option('--runs <n>', 'measured runs per cell after one warm-up (default 3)', positiveInt('--runs', 1))
  .option(
    '--concurrency <values>',
    `values of each target's concurrency knob to sweep, e.g. 500 for one fixed value (default ${DEFAULT_CONCURRENCY.join(',')})`,
    parseConcurrencyList,
  )
  .option(
    '--workers <counts>',
    'worker-process counts to run, e.g. 1,2,4 (0 = inside the harness process); default: 1, plus 0 (library ' +
      'mode) for W1–W3 of tasker-postgres',
    parseWorkerList,
  )
  .option('--out <file>', 'results JSON path (default bench/results/<timestamp>.json)')
  .option(
    '--tsx-workers',
    'run worker processes from the TypeScript sources through tsx instead of compiling them',
    false,
  )
  .option('--stall-ms <ms>', 'fail a run when no step completes for this long', positiveInt('--stall-ms', 100), 30_000)
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const given = program.opts<{
    quick: boolean;
    only?: string;
    workloads: string;
    runs?: number;
    concurrency?: number[];
    workers?: number[];
    out?: string;
    stallMs: number;
    tsxWorkers: boolean;
  }>();
  const opts = {
    ...given,
    runs: given.runs ?? (given.quick ? QUICK_RUNS : FULL_RUNS),
    concurrency: given.concurrency ?? [...(given.quick ? QUICK_CONCURRENCY : DEFAULT_CONCURRENCY)],
  };
  const sizes = opts.quick ? QUICK_SIZES : FULL_SIZES;
  const defs = workloads(sizes);
  const selected = parseWorkloadList(opts.workloads).map((id) => defs[id]);
  const entries = selectTargets(opts.only);
  const targetOptions: TargetOptions = {
    postgresUrl: process.env.BENCH_PG_URL ?? 'postgres://root@127.0.0.1:5432/test',
    redisHost: process.env.BENCH_REDIS_HOST ?? '127.0.0.1',
    redisPort: Number(process.env.BENCH_REDIS_PORT ?? 6379),
    redisDb: Number(process.env.BENCH_REDIS_DB ?? 7),
    shapes: {
      chainLength: sizes.chainLength,
      fanoutWidth: sizes.fanoutWidth,
      keys: sizes.keys,
      mapItems: sizes.mapItems,
    },
  };
  const startedAt = new Date();
  const out = resolve(opts.out ?? `bench/results/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = await describeMachine(targetOptions.postgresUrl);
  const results: ResultsFile = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command: process.argv.slice(2).join(' '),
    quick: opts.quick,
    runsPerCell: opts.runs,
    concurrencies: opts.concurrency,
    machine,
    workloads: selected.map((w) => ({ id: w.id, title: w.title, headline: w.headline })),
    targets: [],
    cells: [],
  };
  log(
    `machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}, postgres ${machine.postgres}`,
  );

  for (const entry of entries) {
    for (const concurrency of opts.concurrency) {
      await runTarget(entry, concurrency, { opts, targetOptions, selected, results });
    }
  }
  results.finishedAt = new Date().toISOString();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2));
  printTable(results.cells, selected);
  log(`\nresults: ${out}`);
}

interface Invocation {
  opts: { runs: number; workers?: number[]; stallMs: number; tsxWorkers: boolean };
  targetOptions: TargetOptions;
  selected: WorkloadDef[];
  results: ResultsFile;
}

/** Every planned cell of one target at one concurrency: load and set it up, run the cells, tear it down. */
async function runTarget(entry: TargetEntry, concurrency: number, inv: Invocation): Promise<void> {
  const { opts, targetOptions, results } = inv;
  let target: BenchTarget | undefined;
  let setupError: string | undefined;
  let launch: WorkerLaunch | undefined;
  try {
    target = await entry.load(targetOptions, concurrency);
    log(`\n== ${target.name} c${concurrency}: ${target.config}`);
    launch = await workerLaunch(target, opts.tsxWorkers);
    await target.setup();
    addVersions(results.machine, await target.versions());
  } catch (err) {
    setupError = err instanceof Error ? err.message : String(err);
    log(`\n== ${entry.name} c${concurrency}: setup failed: ${setupError}`);
  }
  results.targets.push({
    name: entry.name,
    concurrency,
    config: target?.config ?? '',
    workerLaunch: launch?.execArgv.length ? 'tsx' : 'compiled',
    ...(setupError ? { error: setupError } : {}),
  });
  try {
    for (const { workers, workload } of planCells(target, inv.selected, opts.workers)) {
      const what = `${workload.id} ×${workers} c${concurrency}`;
      if (target && !encodes(target, workload)) {
        log(`  ${what}: skipped (${target.name} has no encoding of the ${workload.shape} shape)`);
        continue;
      }
      const cell =
        setupError || !target || !launch
          ? aggregate([failed(entry.name, workload, workers, concurrency, `setup failed: ${setupError}`)])
          : await runCell(
              { target, launch, workload, workers, run: 0, shapes: targetOptions.shapes, stallMs: opts.stallMs },
              opts.runs,
            );
      results.cells.push(cell);
      log(`  ${what}: ${describeCell(cell)}`);
    }
  } finally {
    if (target && !setupError)
      await target.teardown().catch((err: unknown) => log(`  teardown failed: ${String(err)}`));
  }
}

/** Issue 5's shapes are encoded by every target; others (W7's) only by targets that list them. */
function encodes(target: BenchTarget, workload: WorkloadDef): boolean {
  return BASE_SHAPES.includes(workload.shape) || (target.extraShapes ?? []).includes(workload.shape);
}

/** One warm-up run (run 0) then `runs` measured runs of one target × workload × worker count. */
async function runCell(spec: RunSpec, runs: number): Promise<Cell> {
  const all: RunResult[] = [];
  for (let run = 0; run <= runs; run++) {
    const r = await runWorkload({ ...spec, run });
    all.push(r);
    const what = r.error ? `error: ${r.error}` : describeCorrectness(r.correctness);
    log(
      `    ${spec.workload.id} ${run === 0 ? 'warm-up' : `run ${run}`}: ${Number.isFinite(r.wallMs) ? `${r.wallMs.toFixed(1)} ms` : ''} ${what}`,
    );
  }
  return aggregate(all);
}

const launches = new Map<string, Promise<WorkerLaunch>>();

/**
 * Compiled worker processes by default (no loader in their RSS); tsx when asked or when compiling fails. Compiled
 * once per target and invocation, whatever the concurrency.
 */
function workerLaunch(target: BenchTarget, tsx: boolean): Promise<WorkerLaunch> {
  if (tsx || target.inProcessOnly) return Promise.resolve(sourceLaunch(target.workerModule));
  let launch = launches.get(target.name);
  if (!launch) {
    launch = compiledLaunch(target.name, target.workerModule).catch((err: unknown) => {
      log(
        `  compiling the worker failed (${err instanceof Error ? err.message : String(err)}); running it through tsx`,
      );
      return sourceLaunch(target.workerModule);
    });
    launches.set(target.name, launch);
  }
  return launch;
}

function failed(target: string, workload: WorkloadDef, workers: number, concurrency: number, error: string): RunResult {
  return {
    target,
    workload: workload.id,
    workers,
    concurrency,
    run: 1,
    tasks: workload.tasks,
    steps: 0,
    wallMs: NaN,
    metrics: {},
    error,
    correctness: {
      valid: false,
      expectedSteps: 0,
      executions: 0,
      duplicates: 0,
      missing: 0,
      earlyStarts: 0,
      malformed: 0,
      examples: [],
    },
  };
}

function printTable(cells: Cell[], selected: WorkloadDef[]): void {
  const lines = ['', 'workload  target                     workers  concurrency  median of valid runs'];
  for (const w of selected) {
    for (const c of cells.filter((x) => x.workload === w.id)) {
      lines.push(
        `${w.id.padEnd(9)} ${c.target.padEnd(26)} ${String(c.workers).padStart(7)}  ` +
          `${String(c.concurrency ?? '').padStart(11)}  ${describeCell(c)}`,
      );
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
// A peer's client that loses its connection (e.g. PostgreSQL restarted) must fail its run, not the whole bench.
process.on('uncaughtException', (err) => log(`  uncaught error (the current run will fail or stall): ${err.message}`));
process.on('unhandledRejection', (err) =>
  log(`  unhandled rejection: ${err instanceof Error ? err.message : String(err)}`),
);

main().catch((err: unknown) => {
  killAllWorkers();
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
