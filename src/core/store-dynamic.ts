// The store's part of dynamic workflows: durable waits (signals and timers), sub-workflows and map fan-out. A step
// with no handler of its own is claimed like any step; the engine then decides what it waits for (`beginWait`) and
// parks it — handed back uncounted, holding no lease and no worker slot, ready again when its deadline comes
// (`ready_at`), when a signal for it arrives (`sendSignal`), or when its child task finishes (a trigger in the
// transaction that finishes the child). A mapped step fans out into instances (an `expand` outcome, store-hot-path.ts)
// and gathers their results once they are all done (`mapState`). store-contract.ts re-exports these types; the Store
// exposes a DynamicStore as `store.dynamic`.
import type { TaskState } from './states.js';
import type { StepId, TaskId } from './store-records.js';

/** What a signal name must look like (templates, the API, the CLI and the store agree). */
export const SIGNAL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** The largest signal payload, as JSON text (256 KB). */
export const SIGNAL_PAYLOAD_MAX_BYTES = 256 * 1024;
/** What a sender's `signal_id` (its deduplication key) may be: 1 to 200 characters. */
export const SIGNAL_KEY_MAX_LENGTH = 200;

/** Why a parked step waits (its `waiting_for`). */
export const WAIT_KINDS = ['signal', 'timer', 'subtask', 'map'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

export interface SendSignalRequest {
  task_id: TaskId;
  name: string;
  /** The sender's id of this signal: a second signal with the same task, name and key is not delivered again. */
  signal_key: string | null;
  /** JSON; the waiting step's results. */
  payload: unknown;
  actor: string | null;
  /** Steps of the task that wait for this signal (by name): those parked now become claimable at once. */
  wake: string[];
}

export type SendSignalResult =
  | { outcome: 'delivered'; signal_id: number; woke: number }
  /**
   * The same `signal_key` was sent before (also after the task finished: a sender's retry is told it was delivered):
   * nothing changed; `signal_id` is the first one's.
   */
  | { outcome: 'duplicate'; signal_id: number; woke: 0 }
  /** The task is completed, failed, cancelled or resolved: nothing was stored. */
  | { outcome: 'finished'; state: string }
  | { outcome: 'no_task' };

/** A claimed step starting (or resuming) a durable wait; the caller holds it (running, its attempt). */
export interface BeginWaitRequest {
  step_id: StepId;
  task_id: TaskId;
  workerId: string;
  run: number;
  attempt: number;
  /** A signal wait: take this task's oldest signal of this name not yet consumed (or one this step took before). */
  signal?: string | null;
  /**
   * When a new wait ends (a signal's timeout, a timer): `after_ms` from now, or `at_ms` (epoch ms); null or absent:
   * no deadline. A wake-up of the same wait (same run and attempt) keeps the deadline it was given first.
   */
  deadline?: { after_ms: number } | { at_ms: number } | null;
}

export type BeginWaitResult =
  /** A signal was taken: it is now consumed by this step (and its run). */
  | { kind: 'signal'; signal_id: number; payload: unknown; received_at: number }
  /** The deadline has passed: a timer fired, a signal wait timed out. */
  | { kind: 'due'; until: number }
  /** Nothing yet: park the step until `until` (null: until something wakes it). */
  | { kind: 'wait'; until: number | null }
  /** The caller no longer holds the step. */
  | { kind: 'stale' };

/** A sub-workflow of a task (`childTasks`). */
export interface ChildTask {
  task_id: TaskId;
  /** The parent's step that waits (or waited) for it. */
  parent_step_id: StepId;
  namespace: string;
  name: string;
  version: string;
  state: TaskState;
}

/** A signal as stored (`listSignals`). */
export interface SignalRecord {
  signal_id: number;
  task_id: TaskId;
  name: string;
  signal_key: string | null;
  payload: unknown;
  actor: string | null;
  received_at: number;
  consumed_step_id: StepId | null;
  consumed_at: number | null;
}

/** The most instances one mapped step may have (an `expand` outcome; the engine's `maxMapItems` is at most this). */
export const MAX_MAP_INSTANCES = 1_000_000;

/** A mapped step's instances as stored (`mapState`). */
export interface MapState {
  /** How many instances the step was expanded into in its task's current run; null: not expanded yet. */
  size: number | null;
  /** Each instance's results, in item order (null for one skipped); empty until expanded. */
  results: unknown[];
  /** Instances not completed, skipped or resolved yet. */
  open: number;
}

/** The name of instance `index` of mapped step `step`: `charge_line_item[3]`. */
export function mapInstanceName(step: string, index: number): string {
  return `${step}[${index}]`;
}

/** A map instance's mapped step and item index, from its name (`charge_line_item[3]`); null for any other step. */
export function parseMapInstanceName(name: string): { step: string; index: number } | null {
  if (name.charCodeAt(name.length - 1) !== 93) return null; // ']'
  const open = name.lastIndexOf('[');
  if (open < 1) return null;
  const digits = name.slice(open + 1, -1);
  if (!/^\d+$/.test(digits)) return null;
  return { step: name.slice(0, open), index: Number(digits) };
}

export interface DynamicStore {
  /**
   * Store a signal for a running or pending task and wake the steps parked for it, in one transaction that locks the
   * task (so a step parking at the same moment either sees the signal or is woken by it).
   */
  sendSignal(req: SendSignalRequest): Promise<SendSignalResult>;
  /** Decide a claimed wait step's fate in one transaction: a signal to take, a deadline passed, or how long to wait. */
  beginWait(req: BeginWaitRequest): Promise<BeginWaitResult>;
  /** A task's signals, oldest first. */
  listSignals(taskId: TaskId): Promise<SignalRecord[]>;
  /**
   * A mapped step's instances: whether it was expanded, and once it was, its instances' results in item order (read
   * by the step's gather claim only: its descendants read the one array it completes with).
   */
  mapState(stepId: StepId): Promise<MapState>;
  /** A task's sub-workflows (tasks created with `NewTask.parent` naming it), oldest first. */
  childTasks(taskId: TaskId): Promise<ChildTask[]>;
}
