// Retention, the engine's side of `Store.pruneTasks`: reading cutoffs as people write them (an age such as `30d`, or a
// date a task finished before), and `pruneInBatches`, behind `Tasker.prune`, `tasker prune`, the API's prune route and
// the worker's retention policy (retention-keeper.ts). It calls the store one batch at a time, with the cutoffs the
// first call resolved against the store's clock, so every batch uses the same ones and a caller can report progress,
// pause between batches or stop.
import { durationMs } from '../core/duration.js';
import { InvalidRequestError } from '../core/errors.js';
import { TASKER_DEFAULTS } from '../core/defaults.js';
import {
  MAX_PRUNE_BATCH,
  RETENTION_CLASS_NAMES,
  type PruneCutoff,
  type PruneRequest,
  type PruneResult,
  type RetentionClass,
  type Store,
} from '../core/store-contract.js';

/**
 * How old a finished task must be to be pruned: an age, as a duration (`30d`, `12h`, `90m`; a number is
 * milliseconds), or a time it finished before (an ISO date or date-time, or a Date).
 */
export type RetentionCutoff = string | number | Date;

export interface PruneOptions {
  /** Completed (and resolved_manually) tasks that finished before this. */
  completedBefore?: RetentionCutoff;
  /** Failed tasks that finished before this. */
  failedBefore?: RetentionCutoff;
  /** Cancelled tasks cancelled before this. */
  cancelledBefore?: RetentionCutoff;
  /** Count what would be deleted; delete nothing. */
  dryRun?: boolean;
  /** Tasks deleted per transaction (1–10000). Default 500. */
  batchSize?: number;
  /** Stop after this many transactions; the result then says `more`. Default: until nothing is eligible. */
  maxBatches?: number;
  /** Called after each transaction with the totals so far. */
  onBatch?: (totals: PruneResult) => void;
  /** Checked between transactions: once aborted, the totals so far are returned. */
  signal?: AbortSignal;
  /** The `resume` of a result that said `more`: go on where that prune stopped. */
  resume?: string | null;
}

/** What a cutoff must look like, for error messages. */
export const CUTOFF_EXPECTED = 'a duration such as 30d, 12h or 90m, or an ISO date such as 2026-01-31';
/** What an age must look like, for error messages. */
export const AGE_EXPECTED = 'a duration such as 30d, 12h or 90m (or a number of milliseconds)';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** An age in milliseconds from a duration or a number of milliseconds; null when `value` is neither. */
export function readAge(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  return typeof value === 'string' ? durationMs(value) : null;
}

/** A store cutoff from an age or a date; null when `value` is neither. */
export function readCutoff(value: unknown): PruneCutoff | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { before: value.getTime() };
  const age = readAge(value);
  if (age !== null) return { older_than_ms: age };
  if (typeof value !== 'string' || !ISO_DATE.test(value.trim())) return null;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? null : { before: ms };
}

const OPTION_OF: Record<RetentionClass, keyof PruneOptions> = {
  completed: 'completedBefore',
  failed: 'failedBefore',
  cancelled: 'cancelledBefore',
};

function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The store cutoffs of `options`; InvalidRequestError naming the option when one is malformed or none is given. */
export function pruneCutoffs(options: PruneOptions): Partial<Record<RetentionClass, PruneCutoff>> {
  const cutoffs: Partial<Record<RetentionClass, PruneCutoff>> = {};
  for (const cls of RETENTION_CLASS_NAMES) {
    const given = options[OPTION_OF[cls]];
    if (given === undefined) continue;
    const cutoff = readCutoff(given);
    if (!cutoff) throw new InvalidRequestError(`${OPTION_OF[cls]} must be ${CUTOFF_EXPECTED}; got ${shown(given)}`);
    cutoffs[cls] = cutoff;
  }
  if (Object.keys(cutoffs).length === 0)
    throw new InvalidRequestError('prune needs at least one of completedBefore, failedBefore, cancelledBefore');
  return cutoffs;
}

function checkCount(name: string, value: number | undefined, max: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= max))
    throw new InvalidRequestError(`${name} must be a whole number from 1 to ${max}; got ${shown(value)}`);
}

function add(total: PruneResult, r: PruneResult): PruneResult {
  const byState = { ...total.tasks_by_state };
  for (const [state, n] of Object.entries(r.tasks_by_state))
    byState[state as keyof typeof byState] = (byState[state as keyof typeof byState] ?? 0) + n;
  const sum = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  return {
    ...r,
    cutoffs: total.cutoffs,
    tasks: total.tasks + r.tasks,
    tasks_by_state: byState,
    steps: total.steps + r.steps,
    step_edges: sum(total.step_edges, r.step_edges),
    transitions: sum(total.transitions, r.transitions),
    annotations: sum(total.annotations, r.annotations),
    batches: total.batches + r.batches,
  };
}

/**
 * Prune (or count, with `dryRun`) finished tasks past their cutoffs, one store transaction at a time. `pause`, when
 * given, is awaited between transactions with the time the last one took (the worker's policy yields to the hot
 * path that way).
 */
export async function pruneInBatches(
  store: Store,
  options: PruneOptions,
  pause?: (lastBatchMs: number) => Promise<void>,
): Promise<PruneResult> {
  const cutoffs = pruneCutoffs(options);
  const batchSize = options.batchSize ?? TASKER_DEFAULTS.retention.batchSize;
  checkCount('batchSize', batchSize, MAX_PRUNE_BATCH);
  checkCount('maxBatches', options.maxBatches, Number.MAX_SAFE_INTEGER);
  if (options.dryRun) return store.pruneTasks({ cutoffs, batch_size: batchSize, dry_run: true });
  const maxBatches = options.maxBatches ?? Infinity;
  let request: PruneRequest = { cutoffs, batch_size: batchSize, max_batches: 1, resume: options.resume ?? null };
  let total: PruneResult | null = null;
  for (;;) {
    const started = Date.now();
    const r = await store.pruneTasks(request);
    total = total ? add(total, r) : r;
    // Later batches use the cutoffs this one resolved, as times: the same for the whole run.
    const fixed: Partial<Record<RetentionClass, PruneCutoff>> = {};
    for (const [cls, before] of Object.entries(total.cutoffs)) fixed[cls as RetentionClass] = { before };
    // ... and go on where the last one stopped, not over the index entries of the tasks it deleted
    request = { ...request, cutoffs: fixed, resume: r.resume };
    if (r.batches > 0) options.onBatch?.(total);
    if (!r.more || total.batches >= maxBatches || options.signal?.aborted) return total;
    if (pause) await pause(Date.now() - started);
    if (options.signal?.aborted) return total;
  }
}
