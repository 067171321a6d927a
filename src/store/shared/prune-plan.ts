// Pruning finished tasks (Store.pruneTasks), the part both stores share: the checks of a request, the cutoffs resolved
// against the store's clock once per call, and the loop that runs one deleting transaction per batch, state by state
// (oldest first within a state), until a batch comes back short or `max_batches` transactions have deleted tasks.
// Each store supplies its clock, its counting query and its batch transaction (which locks and re-checks the tasks it
// deletes).
import { InvalidRequestError } from '../../core/errors.js';
import type { TaskState } from '../../core/states.js';
import {
  MAX_PRUNE_BATCH,
  RETENTION_CLASSES,
  RETENTION_CLASS_NAMES,
  type PruneRequest,
  type PruneResult,
  type RetentionClass,
} from '../../core/store-contract.js';

/** One finished state to prune, with the cutoff of its class (epoch ms: tasks that finished before it go). */
export interface PruneTarget {
  state: TaskState;
  cutoff: number;
}

/** What one deleting transaction removed. */
export interface PrunedRows {
  tasks: number;
  steps: number;
  step_edges: number;
  transitions: number;
  annotations: number;
}

/** What a store provides to `runPrune`. */
export interface PruneDriver {
  /** The store's clock, epoch ms. */
  now(): Promise<number>;
  /** Tasks of the target eligible now and the sum of their steps. */
  count(target: PruneTarget): Promise<{ tasks: number; steps: number }>;
  /**
   * One transaction: lock up to `limit` eligible tasks of the target, oldest first from position `after` on (null:
   * from the start), re-checked, and delete them; `last` is the position of the last one (the store's own key).
   */
  batch(target: PruneTarget, limit: number, after: number | null): Promise<PrunedRows & { last: number | null }>;
}

/** A resume token: the state a call stopped in and the store's position within it (null: its start). */
interface Resume {
  state: TaskState;
  after: number | null;
}

function decodeResume(token: string | null | undefined, targets: PruneTarget[]): Resume | null {
  if (token === undefined || token === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(typeof token === 'string' ? token : '');
  } catch {
    value = null;
  }
  const r = value as Partial<Resume> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    !targets.some((t) => t.state === r.state) ||
    !(r.after === null || (typeof r.after === 'number' && Number.isFinite(r.after)))
  )
    throw new InvalidRequestError(
      `pruneTasks: resume must be the resume of a previous call with the same cutoffs, got ${JSON.stringify(token)}`,
    );
  return { state: r.state!, after: r.after ?? null };
}

function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** InvalidRequestError naming the bad field of a prune request. */
export function assertPruneRequest(req: PruneRequest): void {
  const bad = (message: string) => new InvalidRequestError(`pruneTasks: ${message}`);
  if (typeof req !== 'object' || req === null) throw bad('the request must be an object');
  const cutoffs = req.cutoffs as Record<string, unknown> | undefined;
  if (typeof cutoffs !== 'object' || cutoffs === null) throw bad('cutoffs must be an object');
  const given = Object.keys(cutoffs).filter((k) => cutoffs[k] !== undefined);
  if (given.length === 0) throw bad(`cutoffs must name at least one of ${RETENTION_CLASS_NAMES.join(', ')}`);
  for (const key of given) {
    if (!(RETENTION_CLASS_NAMES as string[]).includes(key))
      throw bad(`unknown cutoff '${key}' (classes: ${RETENTION_CLASS_NAMES.join(', ')})`);
    const cutoff = cutoffs[key] as Record<string, unknown> | null;
    const older = cutoff?.older_than_ms;
    const before = cutoff?.before;
    if (typeof cutoff !== 'object' || cutoff === null || (older === undefined) === (before === undefined))
      throw bad(`cutoffs.${key} must be { older_than_ms } or { before }`);
    if (older !== undefined && !(typeof older === 'number' && Number.isFinite(older) && older >= 0))
      throw bad(`cutoffs.${key}.older_than_ms must be a number of milliseconds >= 0, got ${String(older)}`);
    if (before !== undefined && !(typeof before === 'number' && Number.isFinite(before)))
      throw bad(`cutoffs.${key}.before must be a time in epoch milliseconds, got ${String(before)}`);
  }
  if (!isWholeNumber(req.batch_size, 1, MAX_PRUNE_BATCH))
    throw bad(`batch_size must be a whole number from 1 to ${MAX_PRUNE_BATCH}, got ${String(req.batch_size)}`);
  if (req.max_batches !== undefined && !isWholeNumber(req.max_batches, 1, Number.MAX_SAFE_INTEGER))
    throw bad(`max_batches must be a whole number >= 1, got ${String(req.max_batches)}`);
  if (req.dry_run !== undefined && typeof req.dry_run !== 'boolean') throw bad('dry_run must be true or false');
  if (req.resume !== undefined && req.resume !== null && typeof req.resume !== 'string')
    throw bad('resume must be the resume string of a previous call');
}

/** The cutoff of each class given, as epoch ms, and the states to prune in order, each with its class's cutoff. */
export function pruneTargets(
  req: PruneRequest,
  now: number,
): { cutoffs: Partial<Record<RetentionClass, number>>; targets: PruneTarget[] } {
  const cutoffs: Partial<Record<RetentionClass, number>> = {};
  const targets: PruneTarget[] = [];
  for (const cls of RETENTION_CLASS_NAMES) {
    const c = req.cutoffs[cls];
    if (!c) continue;
    const cutoff = Math.floor('before' in c ? c.before : now - c.older_than_ms);
    cutoffs[cls] = cutoff;
    for (const state of RETENTION_CLASSES[cls]) targets.push({ state, cutoff });
  }
  return { cutoffs, targets };
}

/** Check the request, resolve its cutoffs and count (dry run) or delete batch by batch. */
export async function runPrune(req: PruneRequest, driver: PruneDriver): Promise<PruneResult> {
  assertPruneRequest(req);
  const { cutoffs, targets } = pruneTargets(req, await driver.now());
  const dryRun = req.dry_run === true;
  const result: PruneResult = {
    dry_run: dryRun,
    cutoffs,
    tasks: 0,
    tasks_by_state: {},
    steps: 0,
    step_edges: dryRun ? null : 0,
    transitions: dryRun ? null : 0,
    annotations: dryRun ? null : 0,
    batches: 0,
    more: false,
    resume: null,
  };
  const add = (state: TaskState, tasks: number, steps: number) => {
    if (tasks === 0) return;
    result.tasks += tasks;
    result.steps += steps;
    result.tasks_by_state[state] = (result.tasks_by_state[state] ?? 0) + tasks;
  };
  if (dryRun) {
    for (const target of targets) {
      const n = await driver.count(target);
      add(target.state, n.tasks, n.steps);
    }
    return result;
  }
  const maxBatches = req.max_batches ?? Infinity;
  const resume = decodeResume(req.resume, targets);
  const first = resume ? targets.findIndex((t) => t.state === resume.state) : 0;
  for (const [i, target] of targets.entries()) {
    if (i < first) continue;
    let after = i === first && resume ? resume.after : null;
    for (;;) {
      if (result.batches >= maxBatches) {
        result.more = true;
        result.resume = JSON.stringify({ state: target.state, after });
        return result;
      }
      const rows = await driver.batch(target, req.batch_size, after);
      after = rows.last ?? after;
      if (rows.tasks > 0) {
        result.batches += 1;
        add(target.state, rows.tasks, rows.steps);
        result.step_edges! += rows.step_edges;
        result.transitions! += rows.transitions;
        result.annotations! += rows.annotations;
      }
      if (rows.tasks < req.batch_size) break;
    }
  }
  return result;
}

/**
 * The tasks a batch deletes: its roots (finished tasks without a parent) with every sub-workflow below them, except
 * roots with an unfinished sub-workflow (an operator resolved the step that waited for it): those stay for a later
 * prune. `tree` rows are (root, task_id, state).
 */
export function pruneSet(
  roots: readonly number[],
  tree: ReadonlyArray<{ root: unknown; task_id: unknown; state: unknown }>,
): number[] {
  if (tree.length === 0) return [...roots];
  const unfinished = new Set(
    tree.filter((r) => r.state === 'pending' || r.state === 'running').map((r) => Number(r.root)),
  );
  const kept = roots.filter((id) => !unfinished.has(id));
  const keptSet = new Set(kept);
  return [...kept, ...tree.filter((r) => keptSet.has(Number(r.root))).map((r) => Number(r.task_id))];
}
