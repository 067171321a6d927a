// The markdown tables of a bench report: best vs best (each system's best figure, the configuration that gave it,
// ours ÷ best peer), ours ÷ best peer at each equal concurrency, and the detail (one row per measured cell).
import { bestVsBest, concurrenciesOf, configLabel, equalConcurrency, isOurs, systemsOf, type Ratio } from './best.js';
import { formatNumber, HIGHER_IS_BETTER, METRIC_LABELS, WORKLOAD_METRICS } from './format.js';
import type { Cell, Metrics, ResultsFile } from './results-model.js';

function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line), ''];
}

function figureName(metric: keyof Metrics): string {
  return `${METRIC_LABELS[metric]} (${HIGHER_IS_BETTER[metric] ? 'higher' : 'lower'} is better)`;
}

/** Every (workload, figure) row of the report, in workload order, headline first. */
function figures(
  results: ResultsFile,
): Array<{ id: ResultsFile['workloads'][number]['id']; label: string; metric: keyof Metrics }> {
  return results.workloads.flatMap((w) =>
    WORKLOAD_METRICS[w.id].map((metric) => ({ id: w.id, label: `${w.id} ${w.title}`, metric })),
  );
}

function ratioText(r: Ratio, withConfig: boolean): string {
  if (r.ratio === undefined || !r.peer) return '—';
  return `${r.ratio.toFixed(2)} (vs ${r.peer.system}${withConfig ? ` ${configLabel(r.peer)}` : ''})`;
}

/** Per system, its best figure across concurrency, variants and worker counts; ours ÷ the best peer's best. */
export function bestTable(results: ResultsFile): string[] {
  const { ours, peers } = systemsOf(results.cells);
  const header = ['Workload', 'Figure', ...ours, ...peers, ...ours.map((s) => `${s} ÷ best peer`)];
  const rows = figures(results).map(({ id, label, metric }) => {
    const { bests, ratios } = bestVsBest(results.cells, id, metric);
    const bestText = (system: string): string => {
      const pick = bests.get(system);
      return pick ? `${formatNumber(pick.value)} (${configLabel(pick)})` : '—';
    };
    return [
      label,
      figureName(metric),
      ...ours.map(bestText),
      ...peers.map(bestText),
      ...ratios.map((r) => ratioText(r, true)),
    ];
  });
  return table(header, rows);
}

/** Ours at concurrency c ÷ the best peer at the same c, for each c of the sweep; empty without concurrency. */
export function equalConcurrencyTable(results: ResultsFile): string[] {
  const { ours } = systemsOf(results.cells);
  const concurrencies = concurrenciesOf(results.cells);
  if (!ours.length || !concurrencies.length) return [];
  const header = ['Workload', 'Figure', ...concurrencies.flatMap((c) => ours.map((s) => `${s} ÷ best peer, c${c}`))];
  const rows = figures(results).map(({ id, label, metric }) => [
    label,
    figureName(metric),
    ...equalConcurrency(results.cells, id, metric).flatMap((at) => at.ratios.map((r) => ratioText(r, false))),
  ]);
  return table(header, rows);
}

function cellText(cell: Cell, metric: keyof Metrics): string {
  if (cell.validRuns === 0) return cell.invalidRuns > 0 ? 'INVALID' : 'error';
  const rejected = cell.invalidRuns + cell.errorRuns;
  return `${formatNumber(cell.median[metric])}${rejected ? ` (${rejected} run${rejected > 1 ? 's' : ''} rejected)` : ''}`;
}

/** One table per workload, one row per cell (target × workers × concurrency), ours first. */
export function detailTables(results: ResultsFile): string[] {
  const order = new Map<string, number>();
  for (const c of results.cells) if (!order.has(c.target)) order.set(c.target, order.size);
  const rank = (c: Cell): number => (isOurs(c.target) ? 0 : 1e9) + order.get(c.target)!;
  const lines: string[] = [];
  for (const w of results.workloads) {
    const cells = results.cells
      .filter((c) => c.workload === w.id)
      .sort((a, b) => rank(a) - rank(b) || a.workers - b.workers || (a.concurrency ?? 0) - (b.concurrency ?? 0));
    if (!cells.length) continue;
    const metrics = WORKLOAD_METRICS[w.id];
    lines.push(`### ${w.id} ${w.title}`, '');
    lines.push(
      ...table(
        ['Target', 'Workers', 'Concurrency', ...metrics.map(figureName)],
        cells.map((c) => [
          c.target,
          c.workers === 0 ? 'in-process' : String(c.workers),
          c.concurrency === undefined ? '—' : String(c.concurrency),
          ...metrics.map((m) => cellText(c, m)),
        ]),
      ),
    );
  }
  return lines;
}
