// completeSteps on SQLite: apply a batch of attempt outcomes the caller still holds (else report them stale),
// release children, prune routed-away steps, finalise finished tasks, and optionally claim more — one transaction.
import type {
  CompleteOptions,
  CompletionResult,
  SkippedStep,
  StepError,
  StepOutcome,
} from '../../core/store-contract.js';
import { encodeFaithfulJson, encodeJson } from '../shared/json.js';
import { releaseTarget, REASONS } from '../shared/lifecycle-rules.js';
import { excerptStepError } from '../shared/step-error.js';
import { claimInTx } from './claim.js';
import { applyRateLimited } from './rate-limits.js';
import { applyPark } from './dynamic.js';
import type { SqliteTx, StepRow } from './tx.js';

/** An outcome with its JSON columns encoded up front, so a bad value fails before the transaction starts. */
export interface EncodedOutcome {
  outcome: StepOutcome;
  results: string | null;
  error: StepError | null;
  errorJson: string | null;
}

export function encodeOutcome(outcome: StepOutcome, checked = false): EncodedOutcome {
  const where = `results of step ${outcome.step_id}`;
  const results =
    outcome.type === 'completed' ? encodeFaithfulJson(outcome.results ?? null, where, 'results', checked) : null;
  const error = outcome.type === 'retry' || outcome.type === 'failed' ? excerptStepError(outcome.error) : null;
  return { outcome, results, error, errorJson: error ? encodeJson(error, 'step error') : null };
}

function holds(row: StepRow | undefined, o: StepOutcome, workerId: string): row is StepRow {
  return (
    row !== undefined &&
    row.task_id === o.task_id &&
    row.state === 'running' &&
    row.locked_by === workerId &&
    row.attempts === o.attempt
  );
}

/** Mark pending steps of a task skipped because `by` routed away from them. */
function prune(tx: SqliteTx, by: StepRow, names: string[], skipped: SkippedStep[]): void {
  for (const name of new Set(names)) {
    const row = tx.st.stepByName.get(by.task_id, name) as StepRow | undefined;
    if (!row || row.state !== 'pending') continue;
    tx.stepHistory(row, 'skipped', { reason: REASONS.prunedBy(by.name), attempt: row.attempts });
    tx.st.closeStep.run('skipped', null, tx.now, row.step_id);
    if (row.unmet === 0) tx.adjust(row.task_id, -1);
    tx.satisfied(row.step_id, row.task_id, 'skipped');
    skipped.push({ step_id: row.step_id, task_id: row.task_id, name: row.name });
  }
}

function applyOutcome(tx: SqliteTx, row: StepRow, e: EncodedOutcome, skipped: SkippedStep[]): void {
  const { st, now } = tx;
  const o = e.outcome;
  const attempt = row.attempts;
  const duration = row.started_at === null ? null : Math.max(0, now - row.started_at);
  switch (o.type) {
    case 'completed': {
      if (o.prune && o.prune.length > 0) prune(tx, row, o.prune, skipped);
      tx.stepHistory(row, 'completed', { reason: REASONS.completed, attempt });
      st.completeStep.run(e.results, now, duration, row.step_id);
      tx.adjust(row.task_id, -1);
      tx.satisfied(row.step_id, row.task_id, 'completed');
      return;
    }
    case 'retry': {
      const at = now + Math.max(0, Math.ceil(o.delayMs));
      tx.stepHistory(row, 'retrying', { reason: REASONS.retry, attempt, error: e.error });
      st.retryStep.run(e.errorJson, at, at, duration, row.step_id);
      tx.touch(row.task_id);
      if (at <= now) tx.readyCount += 1;
      return;
    }
    case 'failed': {
      tx.stepHistory(row, 'failed', { reason: REASONS.failed, attempt, error: e.error });
      st.failStep.run(e.errorJson, now, duration, row.step_id);
      tx.adjust(row.task_id, -1);
      return;
    }
    case 'rate_limited':
      applyRateLimited(tx, row, o.retryAfterMs);
      return;
    case 'park':
      applyPark(tx, row, o);
      return;
    case 'released': {
      const to = releaseTarget(attempt);
      tx.stepHistory(row, to, { reason: REASONS.released, attempt });
      st.releaseStep.run(to, now, to === 'retrying' ? now : null, row.step_id);
      tx.touch(row.task_id);
      tx.readyCount += 1;
      return;
    }
  }
}

export function completeInTx(tx: SqliteTx, outcomes: EncodedOutcome[], opts: CompleteOptions): CompletionResult {
  const applied: number[] = [];
  const stale: number[] = [];
  const skipped: SkippedStep[] = [];
  /** Steps completed on the hot path whose history rows are not written yet (written in one statement, in order). */
  let completed: StepOutcome[] = [];
  for (const e of outcomes) {
    const o = e.outcome;
    if (o.type === 'completed' && !(o.prune && o.prune.length > 0)) {
      // Hot path: check the hold and complete in one statement; the history row's from-state is `running`.
      const held = tx.st.completeHeld.run(e.results, tx.now, tx.now, o.step_id, o.task_id, opts.workerId, o.attempt);
      if (held.changes !== 1) {
        stale.push(o.step_id);
        continue;
      }
      completed.push(o);
      tx.adjust(o.task_id, -1);
      tx.completedLater(o.step_id, o.task_id);
      applied.push(o.step_id);
      continue;
    }
    if (completed.length) {
      tx.completedHistory(completed);
      completed = [];
    }
    const row = tx.st.step.get(e.outcome.step_id) as StepRow | undefined;
    if (!holds(row, e.outcome, opts.workerId)) {
      stale.push(e.outcome.step_id);
      continue;
    }
    applyOutcome(tx, row, e, skipped);
    applied.push(row.step_id);
  }
  tx.completedHistory(completed);
  const finalized = tx.finalizeTouched();
  const claimed = opts.claim ? claimInTx(tx, { ...opts.claim, workerId: opts.workerId }) : [];
  return { applied, stale, skipped, finalized, readyCount: tx.readyCount, claimed };
}
