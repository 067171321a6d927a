// History rows as the API shows them: the entries of GET /tasks/:id/history and the events of the live stream —
// the event name a row stands for and its data.
import { iso } from '../engine/task-json.js';
import type { HistoryFeedRow, HistoryRow } from '../core/store-contract.js';

export interface HistoryEntryJson {
  id: number;
  at: string;
  run: number;
  workflow_step_id: number | null;
  step: string | null;
  from_state: string | null;
  to_state: string;
  attempt: number | null;
  actor: string | null;
  reason: string | null;
  error: { message: string; class: string; code: string | null; stack: string | null } | null;
}

export function historyEntryJson(row: HistoryRow): HistoryEntryJson {
  const e = row.error;
  return {
    id: row.history_id,
    at: iso(row.at)!,
    run: row.run,
    workflow_step_id: row.step_id,
    step: row.step_name,
    from_state: row.from_state,
    to_state: row.to_state,
    attempt: row.attempt,
    actor: row.actor,
    reason: row.reason,
    error: e ? { message: e.message, class: e.class, code: e.code ?? null, stack: e.stack ?? null } : null,
  };
}

/**
 * The event a history row stands for: `task.<state>` or `step.<state>` for the state it entered, except that a
 * step entering running is `step.started`, a step entering retrying `step.attempt_failed`, a running step parked
 * (pending, its reason `waiting for …`: a signal, a timer, a child task, its map) `step.waiting`, and a task entering
 * running `task.started` from pending and `task.resumed` otherwise (an operator retry, a rerun).
 */
export function eventName(row: HistoryRow): string {
  if (row.step_id === null) {
    if (row.to_state === 'running') return row.from_state === 'pending' ? 'task.started' : 'task.resumed';
    return `task.${row.to_state}`;
  }
  if (row.to_state === 'running') return 'step.started';
  if (row.to_state === 'retrying') return 'step.attempt_failed';
  if (row.to_state === 'pending' && row.from_state === 'running' && row.reason?.startsWith('waiting for ')) {
    return 'step.waiting';
  }
  return `step.${row.to_state}`;
}

export interface StreamEventJson {
  task_id: number;
  workflow_step_id: number | null;
  step: string | null;
  namespace: string;
  name: string;
  from_state: string | null;
  to_state: string;
  attempt: number | null;
  run: number;
  at: string;
}

export function streamEventJson(row: HistoryFeedRow): StreamEventJson {
  return {
    task_id: row.task_id,
    workflow_step_id: row.step_id,
    step: row.step_name,
    namespace: row.namespace,
    name: row.name,
    from_state: row.from_state,
    to_state: row.to_state,
    attempt: row.attempt,
    run: row.run,
    at: iso(row.at)!,
  };
}
