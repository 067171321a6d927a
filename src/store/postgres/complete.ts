// completeSteps on PostgreSQL: one transaction of set-based statements whatever the batch size — lock the tasks
// in id order, prune routed-away steps, apply the outcomes the caller still holds (the rest are stale), release
// children, apply counters and finalise, optionally claim more, and NOTIFY once if steps became claimable.
import type { ClaimedStep, CompleteOptions, CompletionResult, SkippedStep, StepOutcome } from '../store.js';
import { jsonbDiagnostic, jsonbValue } from './jsonb.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import { excerptStepError } from '../shared/step-error.js';
import { claimWith } from './claim.js';
import { run } from './pool.js';
import type { PgTx } from './tx.js';

/** An outcome with its JSON columns encoded up front, so a bad value fails before the transaction starts. */
export interface EncodedOutcome {
  outcome: StepOutcome;
  results: string | null;
  error: string | null;
}

export function encodeOutcome(outcome: StepOutcome): EncodedOutcome {
  const results =
    outcome.type === 'completed' ? jsonbValue(outcome.results ?? null, `results of step ${outcome.step_id}`) : null;
  const error =
    outcome.type === 'retry' || outcome.type === 'failed'
      ? jsonbDiagnostic(excerptStepError(outcome.error), 'step error')
      : null;
  return { outcome, results, error };
}

/** The text before and after the routing step's name in REASONS.prunedBy, so SQL can build the reason. */
const MARK = '\u0001';
const PRUNE_REASON_AROUND = REASONS.prunedBy(MARK).split(MARK) as [string, string];

interface AppliedRow {
  step_id: number;
  task_id: number;
  name: string;
  state: string;
  kind: StepOutcome['type'];
  ready_now: boolean;
  ord: number;
}

/** Prune lists of completing outcomes, one row per (task, name); the first outcome naming a step wins. */
async function prune(tx: PgTx, batch: EncodedOutcome[], workerId: string, skipped: SkippedStep[]): Promise<number[]> {
  const seen = new Set<string>();
  const cols = { task: [] as number[], name: [] as string[], by: [] as number[], attempt: [] as number[] };
  const ord: number[] = [];
  for (const { outcome: o } of batch) {
    if (o.type !== 'completed' || !o.prune || o.prune.length === 0) continue;
    for (const name of o.prune) {
      const key = `${o.task_id}\u0000${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      cols.task.push(o.task_id);
      cols.name.push(name);
      cols.by.push(o.step_id);
      cols.attempt.push(o.attempt);
      ord.push(ord.length);
    }
  }
  if (ord.length === 0) return [];
  const rows = await run<{ step_id: number; task_id: number; name: string; unmet: number }>(tx.client, tx.ctx.hot.prune, [
    cols.task,
    cols.name,
    cols.by,
    cols.attempt,
    workerId,
    ord,
    PRUNE_REASON_AROUND[0],
    PRUNE_REASON_AROUND[1],
  ]);
  for (const r of rows) {
    tx.adjust(r.task_id, r.unmet === 0 ? -1 : 0, 1);
    skipped.push({ step_id: r.step_id, task_id: r.task_id, name: r.name });
  }
  return rows.map((r) => r.step_id);
}

export async function completeInTx(
  tx: PgTx,
  outcomes: EncodedOutcome[],
  opts: CompleteOptions,
  /** The caller already locked the outcomes' tasks in id order (with BEGIN). */
  tasksLocked = false,
): Promise<CompletionResult> {
  const { workerId } = opts;
  // A step named twice in one batch: the first outcome counts, later ones are stale (as if sent later).
  const firstIndex = new Map<number, number>();
  outcomes.forEach((e, i) => {
    if (!firstIndex.has(e.outcome.step_id)) firstIndex.set(e.outcome.step_id, i);
  });
  const batch = outcomes.filter((e, i) => firstIndex.get(e.outcome.step_id) === i);

  if (!tasksLocked) await tx.lockTasks(batch.map((e) => e.outcome.task_id));
  const skipped: SkippedStep[] = [];
  const satisfied = await prune(tx, batch, workerId, skipped);

  // Rows go in step-id order (the order row locks are taken); `ord` keeps the caller's order for history rows.
  const sorted = batch.map((e, ord) => ({ e, o: e.outcome, ord })).sort((a, b) => a.o.step_id - b.o.step_id);
  const appliedRows = sorted.length === 0 ? [] : await run<AppliedRow>(tx.client, tx.ctx.hot.apply, [
    sorted.map((x) => x.o.step_id),
    sorted.map((x) => x.o.task_id),
    sorted.map((x) => x.o.attempt),
    sorted.map((x) => x.o.type),
    sorted.map((x) => x.e.results),
    sorted.map((x) => x.e.error),
    sorted.map((x) => (x.o.type === 'retry' ? x.o.delayMs : null)),
    workerId,
    sorted.map((x) => x.ord),
  ]);
  const appliedIds = new Set<number>();
  for (const r of appliedRows) {
    appliedIds.add(r.step_id);
    if (r.kind === 'completed') {
      tx.adjust(r.task_id, -1, 1);
      satisfied.push(r.step_id);
    } else if (r.kind === 'failed') {
      tx.adjust(r.task_id, -1);
    } else {
      tx.touch(r.task_id);
      if (r.ready_now) tx.readyCount += 1;
    }
  }
  tx.satisfyChildrenLater(satisfied);
  const finalized = await tx.finalizeTouched();
  let claimed: ClaimedStep[] = [];
  if (opts.claim) claimed = await claimWith(tx.client, tx.ctx, { ...opts.claim, workerId });
  // Steps this transaction readied and claimed for itself need no wake-up; a full claim may have left more.
  if (!opts.claim || claimed.length >= opts.claim.limit) await tx.notifyIfReady();

  const applied = outcomes.filter((e, i) => firstIndex.get(e.outcome.step_id) === i && appliedIds.has(e.outcome.step_id));
  const stale = outcomes.filter((e, i) => !(firstIndex.get(e.outcome.step_id) === i && appliedIds.has(e.outcome.step_id)));
  return {
    applied: applied.map((e) => e.outcome.step_id),
    stale: stale.map((e) => e.outcome.step_id),
    skipped,
    finalized,
    readyCount: tx.readyCount,
    claimed,
  };
}
