// Best-vs-best comparison of bench results (issue 16): the systems measured (a target's variants are one system),
// each system's best cell on a workload figure across concurrency, variants and worker counts, and the ratios
// ours ÷ best peer — between bests, and at each equal concurrency. Pure functions over cells.
import { HIGHER_IS_BETTER } from './format.js';
import type { Cell, Metrics } from './results-model.js';
import type { WorkloadId } from './workloads.js';

/** Targets that are variants of one system, with the name of each variant in the configuration of a best. */
const VARIANTS: Readonly<Record<string, { system: string; label: string }>> = {
  'graphile-worker': { system: 'graphile-worker', label: 'batched' },
  'graphile-worker-nobatch': { system: 'graphile-worker', label: 'nobatch' },
  'tasker-postgres-queue': { system: 'tasker-postgres', label: 'local queue' },
};

/** Names starting with `tasker` are ours. */
export function isOurs(target: string): boolean {
  return target.startsWith('tasker');
}

/** The system a target measures: graphile-worker with or without batching is graphile-worker. */
export function systemOf(target: string): string {
  return VARIANTS[target]?.system ?? target;
}

/** One cell's figure, chosen as its system's best. */
export interface Pick {
  system: string;
  target: string;
  workers: number;
  concurrency?: number;
  value: number;
}

/** One of our systems against the best peer: `ratio` = ours ÷ peer's, when both have a valid figure. */
export interface Ratio {
  system: string;
  ours?: Pick;
  peer?: Pick;
  ratio?: number;
}

/** The median of a cell's valid runs, or undefined when it has none. */
export function figureOf(cell: Cell | undefined, metric: keyof Metrics): number | undefined {
  if (!cell || cell.validRuns === 0) return undefined;
  const v = cell.median[metric];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Which configuration gave a pick: the variant, worker processes and concurrency, e.g. `nobatch ×1 c500`. */
export function configLabel(pick: Pick): string {
  const variant = VARIANTS[pick.target] ? `${VARIANTS[pick.target]!.label} ` : '';
  const workers = pick.workers === 0 ? '×in-process' : `×${pick.workers}`;
  return `${variant}${workers}${pick.concurrency !== undefined ? ` c${pick.concurrency}` : ''}`;
}

/** The systems present in `cells`, ours first, each group in order of first appearance. */
export function systemsOf(cells: readonly Cell[]): { ours: string[]; peers: string[] } {
  const all = [...new Set(cells.map((c) => systemOf(c.target)))];
  return { ours: all.filter(isOurs), peers: all.filter((s) => !isOurs(s)) };
}

/** The concurrency values present in `cells`, ascending (none in results written before issue 16). */
export function concurrenciesOf(cells: readonly Cell[]): number[] {
  const values = cells.map((c) => c.concurrency).filter((c): c is number => c !== undefined);
  return [...new Set(values)].sort((a, b) => a - b);
}

function better(a: Pick | undefined, b: Pick, higher: boolean): Pick {
  if (!a) return b;
  return (higher ? b.value > a.value : b.value < a.value) ? b : a;
}

/**
 * Each system's best valid cell on one workload figure (only cells at `concurrency` when given), keyed by system.
 * Ties keep the cell met first.
 */
export function bestBySystem(
  cells: readonly Cell[],
  workload: WorkloadId,
  metric: keyof Metrics,
  concurrency?: number,
): Map<string, Pick> {
  const higher = HIGHER_IS_BETTER[metric];
  const bests = new Map<string, Pick>();
  for (const cell of cells) {
    if (cell.workload !== workload || (concurrency !== undefined && cell.concurrency !== concurrency)) continue;
    const value = figureOf(cell, metric);
    if (value === undefined) continue;
    const system = systemOf(cell.target);
    const pick: Pick = { system, target: cell.target, workers: cell.workers, value };
    if (cell.concurrency !== undefined) pick.concurrency = cell.concurrency;
    bests.set(system, better(bests.get(system), pick, higher));
  }
  return bests;
}

/** Each of our systems' pick ÷ the best of the peers' picks. */
function ratiosOf(bests: Map<string, Pick>, ours: readonly string[], metric: keyof Metrics): Ratio[] {
  const higher = HIGHER_IS_BETTER[metric];
  let peer: Pick | undefined;
  for (const [system, pick] of bests) if (!isOurs(system)) peer = better(peer, pick, higher);
  return ours.map((system) => {
    const mine = bests.get(system);
    const ratio = mine && peer && peer.value !== 0 ? mine.value / peer.value : undefined;
    return {
      system,
      ...(mine ? { ours: mine } : {}),
      ...(peer ? { peer } : {}),
      ...(ratio !== undefined ? { ratio } : {}),
    };
  });
}

/** Best vs best on one workload figure: every system's best, and each of ours ÷ the best peer's best. */
export function bestVsBest(
  cells: readonly Cell[],
  workload: WorkloadId,
  metric: keyof Metrics,
): { bests: Map<string, Pick>; ratios: Ratio[] } {
  const bests = bestBySystem(cells, workload, metric);
  return { bests, ratios: ratiosOf(bests, systemsOf(cells).ours, metric) };
}

/** At each concurrency value: each of our systems' best at that value ÷ the best peer at that value. */
export function equalConcurrency(
  cells: readonly Cell[],
  workload: WorkloadId,
  metric: keyof Metrics,
): Array<{ concurrency: number; ratios: Ratio[] }> {
  const ours = systemsOf(cells).ours;
  return concurrenciesOf(cells).map((concurrency) => ({
    concurrency,
    ratios: ratiosOf(bestBySystem(cells, workload, metric, concurrency), ours, metric),
  }));
}
