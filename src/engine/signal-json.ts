// A task's signals as the API (`GET /tasks/{id}/signals`) and the CLI (`tasker signals`) show them: the store's
// records (`store.dynamic.listSignals`), oldest first, with times as ISO 8601 strings. `signal_key` is the
// `signal_id` its sender gave (its deduplication key), `signal_id` the store's own number for it.
import type { SignalRecord } from '../core/store-contract.js';
import { iso } from './task-json.js';

export interface SignalJson {
  signal_id: number;
  name: string;
  signal_key: string | null;
  /** JSON: the results of the step that consumes it. */
  payload: unknown;
  actor: string | null;
  received_at: string;
  /** The step that took it; null while it is kept for a step that has not waited for it yet. */
  consumed_step_id: number | null;
  consumed_at: string | null;
}

export function signalJson(s: SignalRecord): SignalJson {
  return {
    signal_id: s.signal_id,
    name: s.name,
    signal_key: s.signal_key,
    payload: s.payload,
    actor: s.actor,
    received_at: iso(s.received_at)!,
    consumed_step_id: s.consumed_step_id,
    consumed_at: iso(s.consumed_at),
  };
}
