// `tsx bench/report.ts <results.json>`: turns results files into a markdown report (machine; best vs best of each
// system and ours ÷ best peer; the same ratio at each equal concurrency; every cell; settings) and an SVG bar chart
// of each system's best headline figure.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { Command } from 'commander';
import { bestVsBest, configLabel, isOurs, systemOf, systemsOf } from './best.js';
import { HIGHER_IS_BETTER, METRIC_LABELS, WORKLOAD_METRICS } from './format.js';
import { bestTable, detailTables, equalConcurrencyTable } from './report-tables.js';
import type { Cell, ResultsFile } from './results-model.js';
import { renderChart, type ChartPanel } from './svg-chart.js';

export function renderMarkdown(results: ResultsFile, svgName: string | undefined): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`# Benchmark results${results.quick ? ' (quick run)' : ''}`, '');
  lines.push(
    `Run ${results.startedAt} → ${results.finishedAt}; each figure is the median of ${results.runsPerCell} measured ` +
      'runs after one warm-up run. Every run is checked (each step ran exactly once, no step started before all of its ' +
      'parents completed); a run that fails the check is INVALID and never counts.',
    '',
  );
  lines.push('## Machine', '');
  lines.push(
    `- CPU: ${m.cores} × ${m.cpuModel}`,
    `- Memory: ${m.memoryGiB} GiB`,
    `- OS: ${m.platform}`,
    `- Node.js: ${m.node}`,
  );
  if (m.postgres) lines.push(`- PostgreSQL: ${m.postgres}`);
  if (m.postgresCommitMs !== undefined) {
    lines.push(
      `- PostgreSQL durable commit (one \`SELECT txid_current()\` transaction), median: ${m.postgresCommitMs.toFixed(2)} ms`,
    );
  }
  if (m.redis) lines.push(`- Redis: ${m.redis}`);
  for (const [name, version] of Object.entries(m.packages)) lines.push(`- ${name}: ${version}`);
  const loads = results.cells.flatMap((c) => c.runs.map((r) => r.loadAvg1)).filter((v): v is number => v !== undefined);
  if (loads.length) {
    lines.push(
      `- 1-minute load average at the end of runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} ` +
        `(above ${m.cores} means other processes competed for the CPU)`,
    );
  }
  lines.push(
    '',
    `Reproduce: \`npm run bench${results.command ? ` -- ${results.command}` : ''}\` (PostgreSQL and Redis running), then ` +
      '`npx tsx bench/report.ts <results.json>`.',
    '',
  );
  const { ours } = systemsOf(results.cells);
  lines.push('## Best vs best', '');
  if (!ours.length) lines.push('_No Tasker target in this run: peers only._', '');
  lines.push(
    "Each system's best figure across every configuration measured (concurrency, variant, worker processes: " +
      '`×in-process` = in the harness process, for tasker-postgres as a library), with the configuration that gave ' +
      "it; graphile-worker's best is over its batched and unbatched variants. The last columns are our best ÷ the " +
      "best peer's best.",
    '',
    ...bestTable(results),
  );
  const equal = equalConcurrencyTable(results);
  if (equal.length) {
    lines.push(
      '## At equal concurrency',
      '',
      'Our best at concurrency c (over worker counts) ÷ the best peer at the same c (over variants and worker counts).',
      '',
      ...equal,
    );
  }
  lines.push('## Every cell', '', ...detailTables(results));
  if (svgName) lines.push(`![Best headline figure of each system, relative to the best](${svgName})`, '');
  lines.push('## Settings of each target', '');
  for (const t of results.targets) {
    const at = t.concurrency !== undefined ? ` at concurrency ${t.concurrency}` : '';
    lines.push(`- **${t.name}**${at}: ${t.config || '(not loaded)'}${t.error ? ` — setup failed: ${t.error}` : ''}`);
  }
  const problems = results.cells.filter((c) => c.problem);
  if (problems.length) {
    lines.push('', '## Rejected runs', '');
    for (const c of problems) {
      lines.push(
        `- ${c.target} ×${c.workers}${c.concurrency !== undefined ? ` c${c.concurrency}` : ''} ${c.workload}: ` +
          `${c.invalidRuns} invalid, ${c.errorRuns} failed — ${c.problem}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One panel per workload: each system's best headline figure, labelled with the configuration that gave it. */
export function renderSvg(results: ResultsFile): string {
  const { ours, peers } = systemsOf(results.cells);
  const panels: ChartPanel[] = results.workloads.map((w) => {
    const metric = WORKLOAD_METRICS[w.id][0]!;
    const { bests } = bestVsBest(results.cells, w.id, metric);
    return {
      title: `${w.id} ${w.title}`,
      unit: METRIC_LABELS[metric],
      higherIsBetter: HIGHER_IS_BETTER[metric],
      bars: [...ours, ...peers].map((system) => {
        const pick = bests.get(system);
        if (pick) return { label: `${system} ${configLabel(pick)}`, value: pick.value, ours: isOurs(system) };
        const ran = results.cells.some((c) => c.workload === w.id && systemOf(c.target) === system);
        return { label: system, value: undefined, ours: isOurs(system), note: ran ? 'no valid run' : 'not run' };
      }),
    };
  });
  return renderChart(`Tasker and peers — ${results.machine.cores} cores, ${results.startedAt.slice(0, 10)}`, panels);
}

/**
 * Merge results files: machine and settings from the first; a cell of a later file replaces the cell of an earlier
 * one with the same target × workers × concurrency × workload (so a rerun of failed cells completes a report).
 */
export function mergeResults(files: ResultsFile[]): ResultsFile {
  const [first, ...rest] = files;
  if (!first) throw new Error('no results file given');
  const merged: ResultsFile = {
    ...first,
    cells: [...first.cells],
    targets: [...first.targets],
    workloads: [...first.workloads],
  };
  for (const r of rest) {
    for (const cell of r.cells) {
      const i = merged.cells.findIndex((c) => sameCell(c, cell));
      if (i >= 0) merged.cells[i] = cell;
      else merged.cells.push(cell);
    }
    for (const t of r.targets) {
      if (!merged.targets.some((x) => x.name === t.name && x.concurrency === t.concurrency)) merged.targets.push(t);
    }
    for (const w of r.workloads) if (!merged.workloads.some((x) => x.id === w.id)) merged.workloads.push(w);
    Object.assign(merged.machine.packages, r.machine.packages);
    merged.machine.redis ??= r.machine.redis;
    if (r.finishedAt > merged.finishedAt) merged.finishedAt = r.finishedAt;
  }
  return merged;
}

function sameCell(a: Cell, b: Cell): boolean {
  return (
    a.target === b.target && a.workers === b.workers && a.concurrency === b.concurrency && a.workload === b.workload
  );
}

function readResults(file: string): ResultsFile {
  let results: ResultsFile;
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  } catch (err) {
    throw new Error(`cannot read results file ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (!Array.isArray(results.cells) || !results.machine)
    throw new Error(`${file} is not a bench results file (no cells/machine)`);
  return results;
}

function main(): void {
  const program = new Command('report')
    .description('Render bench results JSON as markdown and an SVG chart (several files are merged, later cells win)')
    .argument('<results...>', 'results JSON files written by bench/run.ts')
    .option('--md <file>', 'markdown output (default: <first results>.md)')
    .option('--svg <file>', 'SVG output (default: <first results>.svg)')
    .parse();
  const files = program.args;
  const opts = program.opts<{ md?: string; svg?: string }>();
  const results = mergeResults(files.map(readResults));
  const stem = files[0]!.replace(/\.json$/, '');
  const svgPath = opts.svg ?? `${stem}.svg`;
  const mdPath = opts.md ?? `${stem}.md`;
  writeFileSync(svgPath, renderSvg(results));
  writeFileSync(mdPath, renderMarkdown(results, relative(dirname(mdPath), svgPath)));
  process.stdout.write(`wrote ${mdPath} and ${svgPath}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`report: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
