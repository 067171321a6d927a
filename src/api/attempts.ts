// A step's attempt history, derived from its transition rows: a row into `running` starts an attempt (its actor
// is the worker that claimed it) and the step's next row ends it (completed, retrying, failed, cancelled, or
// pending when a draining worker released it), carrying the attempt's error.
import { iso } from '../engine/task-json.js';
import type { StepError, TransitionRecord } from '../core/store-contract.js';

export interface AttemptJson {
  attempt: number | null;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
  error: { message: string; class: string; code: string | null; backtrace: string | null } | null;
  worker: string | null;
}

export interface TransitionJson {
  from_state: string | null;
  to_state: string;
  at: string;
  reason: string | null;
  attempt: number | null;
  actor: string | null;
}

function errorJson(e: StepError | null): AttemptJson['error'] {
  return e ? { message: e.message, class: e.class, code: e.code ?? null, backtrace: e.stack ?? null } : null;
}

/** Attempts in the order they started; the last one is open (ended_at null) while the step runs. */
export function attemptsFrom(rows: readonly TransitionRecord[]): AttemptJson[] {
  const attempts: AttemptJson[] = [];
  let open: AttemptJson | null = null;
  for (const row of rows) {
    if (open) {
      open.ended_at = iso(row.at);
      open.outcome = row.to_state;
      open.error = errorJson(row.error);
      open = null;
    }
    if (row.to_state === 'running') {
      open = {
        attempt: row.attempt,
        started_at: iso(row.at)!,
        ended_at: null,
        outcome: null,
        error: null,
        worker: row.actor,
      };
      attempts.push(open);
    }
  }
  return attempts;
}

export function transitionJson(row: TransitionRecord): TransitionJson {
  return {
    from_state: row.from_state,
    to_state: row.to_state,
    at: iso(row.at)!,
    reason: row.reason,
    attempt: row.attempt,
    actor: row.actor,
  };
}
