// `tsx bench/report.ts <results.json>`: turns a results file into a markdown report (machine, settings, a table
// of our figure, each peer's figure and ours ÷ best peer) and an SVG bar chart of the headline figures.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { Command } from 'commander';
import { formatNumber, METRIC_LABELS, WORKLOAD_METRICS } from './format.js';
import type { Cell, Metrics, ResultsFile } from './results-model.js';
import { renderChart, type ChartPanel } from './svg-chart.js';

interface Column {
  target: string;
  workers: number;
  label: string;
  ours: boolean;
}

export function isOurs(target: string): boolean {
  return target.startsWith('tasker');
}

function columnsOf(results: ResultsFile): Column[] {
  const seen = new Map<string, Column>();
  for (const c of results.cells) {
    const label = `${c.target} ×${c.workers === 0 ? 'in-process' : c.workers}`;
    if (!seen.has(label)) seen.set(label, { target: c.target, workers: c.workers, label, ours: isOurs(c.target) });
  }
  return [...seen.values()].sort((a, b) => Number(b.ours) - Number(a.ours));
}

function cellOf(results: ResultsFile, col: Column, workload: string): Cell | undefined {
  return results.cells.find((c) => c.target === col.target && c.workers === col.workers && c.workload === workload);
}

function value(cell: Cell | undefined, metric: keyof Metrics): number | undefined {
  if (!cell || cell.validRuns === 0) return undefined;
  const v = cell.median[metric];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

const HIGHER_IS_BETTER: Record<keyof Metrics, boolean> = {
  stepsPerSec: true,
  tasksPerSec: true,
  wallMs: false,
  chainMeanMs: false,
  chainP99Ms: false,
  startP50Ms: false,
  startP99Ms: false,
  rssPeakMb: false,
  rssIdleMb: false,
  maxPerKey: false,
  submitMs: false,
};

function best(values: Array<number | undefined>, higher: boolean): number | undefined {
  const ok = values.filter((v): v is number => v !== undefined);
  if (!ok.length) return undefined;
  return higher ? Math.max(...ok) : Math.min(...ok);
}

function cellText(cell: Cell | undefined, metric: keyof Metrics): string {
  if (!cell) return '—';
  if (cell.validRuns === 0) return cell.invalidRuns > 0 ? 'INVALID' : 'error';
  const rejected = cell.invalidRuns + cell.errorRuns;
  return `${formatNumber(cell.median[metric])}${rejected ? ` (${rejected} run${rejected > 1 ? 's' : ''} rejected)` : ''}`;
}

export function renderMarkdown(results: ResultsFile, svgName: string | undefined): string {
  const cols = columnsOf(results);
  const ours = cols.filter((c) => c.ours);
  const peers = cols.filter((c) => !c.ours);
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
    `Reproduce: \`npm run bench -- ${results.command}\` (PostgreSQL and Redis running), then ` +
      '`npx tsx bench/report.ts <results.json>`.',
    '',
  );
  lines.push('## Results', '');
  if (!ours.length) lines.push('_No Tasker target in this run: peers only._', '');
  const header = ['Workload', 'Figure', ...cols.map((c) => c.label), ...ours.map((c) => `${c.label} ÷ best peer`)];
  lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
  for (const w of results.workloads) {
    for (const metric of WORKLOAD_METRICS[w.id]) {
      const higher = HIGHER_IS_BETTER[metric];
      const bestPeer = best(
        peers.map((c) => value(cellOf(results, c, w.id), metric)),
        higher,
      );
      const ratios = ours.map((c) => {
        const v = value(cellOf(results, c, w.id), metric);
        return v !== undefined && bestPeer !== undefined && bestPeer !== 0 ? `${(v / bestPeer).toFixed(2)}` : '—';
      });
      const row = [
        `${w.id} ${w.title}`,
        `${METRIC_LABELS[metric]} (${higher ? 'higher' : 'lower'} is better)`,
        ...cols.map((c) => cellText(cellOf(results, c, w.id), metric)),
        ...ratios,
      ];
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  lines.push('');
  if (svgName) lines.push(`![Headline figures relative to the best of each workload](${svgName})`, '');
  lines.push('## Settings of each target', '');
  for (const t of results.targets)
    lines.push(`- **${t.name}**: ${t.config || '(not loaded)'}${t.error ? ` — setup failed: ${t.error}` : ''}`);
  const problems = results.cells.filter((c) => c.problem);
  if (problems.length) {
    lines.push('', '## Rejected runs', '');
    for (const c of problems) {
      lines.push(
        `- ${c.target} ×${c.workers} ${c.workload}: ${c.invalidRuns} invalid, ${c.errorRuns} failed — ${c.problem}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderSvg(results: ResultsFile): string {
  const cols = columnsOf(results);
  const panels: ChartPanel[] = results.workloads.map((w) => {
    const metric = WORKLOAD_METRICS[w.id][0]!;
    return {
      title: `${w.id} ${w.title}`,
      unit: METRIC_LABELS[metric],
      higherIsBetter: HIGHER_IS_BETTER[metric],
      bars: cols.map((c) => {
        const cell = cellOf(results, c, w.id);
        const v = value(cell, metric);
        const note = !cell ? 'not run' : cell.validRuns === 0 ? (cell.invalidRuns ? 'INVALID' : 'error') : undefined;
        return { label: c.label, value: v, ours: c.ours, ...(note ? { note } : {}) };
      }),
    };
  });
  return renderChart(`Tasker and peers — ${results.machine.cores} cores, ${results.startedAt.slice(0, 10)}`, panels);
}

/**
 * Merge results files: machine and settings from the first; a cell of a later file replaces the cell of an earlier
 * one with the same target × workers × workload (so a rerun of failed cells completes a report).
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
      const i = merged.cells.findIndex(
        (c) => c.target === cell.target && c.workers === cell.workers && c.workload === cell.workload,
      );
      if (i >= 0) merged.cells[i] = cell;
      else merged.cells.push(cell);
    }
    for (const t of r.targets) if (!merged.targets.some((x) => x.name === t.name)) merged.targets.push(t);
    for (const w of r.workloads) if (!merged.workloads.some((x) => x.id === w.id)) merged.workloads.push(w);
    Object.assign(merged.machine.packages, r.machine.packages);
    merged.machine.redis ??= r.machine.redis;
    if (r.finishedAt > merged.finishedAt) merged.finishedAt = r.finishedAt;
  }
  return merged;
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
