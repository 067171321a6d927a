// Maps database rows (column names as in the schema) to the contract's records. Numbers may arrive as strings
// (PostgreSQL BIGINT), booleans as 0/1 (SQLite); JSON columns go through the store's decoder.
import type { StepState, StepWait, TaskState, TaskWait } from '../../core/states.js';
import type {
  ChildTask,
  ConcurrencyGroup,
  FinalizedTask,
  SignalRecord,
  StepError,
  StepRecord,
  TaskContextRecord,
  TaskIdentity,
  TaskSummary,
  TransitionRecord,
  WorkerInfo,
} from '../../core/store-contract.js';
import { decodeJson } from './json.js';

/** Turns a JSON column value into a JS value (text columns are parsed; already-parsed values pass through). */
export type JsonDecoder = (value: unknown) => unknown;

type Row = Record<string, unknown>;

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * A row's run: 1 when the row has none (tasks never rerun; on history rows the stores select the latest run stored
 * at or before the row, see sql/history.ts and the stores' history reads).
 */
function runOf(row: Row): number {
  return row.run === undefined || row.run === null ? 1 : num(row.run);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

export function mapStepError(value: unknown, decode: JsonDecoder = decodeJson): StepError | null {
  const parsed = decode(value);
  return parsed === null ? null : (parsed as StepError);
}

export function mapStepRow(row: Row, decode: JsonDecoder = decodeJson): StepRecord {
  const step: StepRecord = {
    workflow_step_id: num(row.step_id),
    task_id: num(row.task_id),
    name: String(row.name),
    handler_class: String(row.handler_class),
    current_state: row.state as StepState,
    depends_on: (decode(row.depends_on) as string[] | null) ?? [],
    attempts: num(row.attempts),
    retry_limit: num(row.retry_limit),
    retryable: bool(row.retryable),
    timeout_ms: numOrNull(row.timeout_ms),
    skippable: bool(row.skippable),
    results: decode(row.results),
    error: mapStepError(row.error, decode),
    next_attempt_at: numOrNull(row.next_attempt_at),
    locked_by: strOrNull(row.locked_by),
    lease_expires_at: numOrNull(row.lease_expires_at),
    started_at: numOrNull(row.started_at),
    completed_at: numOrNull(row.completed_at),
    duration_ms: numOrNull(row.duration_ms),
    waiting_for: null,
  };
  // Map fields only where set, so other steps' records keep their shape.
  if (row.map_of !== null && row.map_of !== undefined) {
    step.map_of = num(row.map_of);
    step.map_index = numOrNull(row.map_index);
  }
  if (row.map_size !== null && row.map_size !== undefined) step.map_size = num(row.map_size);
  return step;
}

export function mapTaskIdentity(row: Row): TaskIdentity {
  return {
    task_id: num(row.task_id),
    namespace: String(row.namespace),
    name: String(row.name),
    version: String(row.version),
    correlation_id: String(row.correlation_id),
    run: runOf(row),
  };
}

export function mapTaskSummary(row: Row, decode: JsonDecoder = decodeJson): TaskSummary {
  return {
    ...mapTaskIdentity(row),
    current_state: row.state as TaskState,
    ...mapRequestFields(row, decode),
    idempotency_key: strOrNull(row.idempotency_key),
    created_at: num(row.created_at),
    started_at: numOrNull(row.started_at),
    completed_at: numOrNull(row.completed_at),
    step_count: num(row.step_count),
    ...mapFlowFields(row),
  };
}

/**
 * A task's flow-control columns (priority, run_at, waiting_for, paused). Only an unfinished task waits or is paused:
 * a task that finished while paused keeps its pause bits (a retry that reopens it stays paused) but shows none.
 */
export function mapFlowFields(row: Row): Pick<TaskSummary, 'priority' | 'run_at' | 'waiting_for' | 'paused'> {
  const unfinished = row.state === 'pending' || row.state === 'running';
  return {
    priority: row.priority === undefined || row.priority === null ? 0 : num(row.priority),
    run_at: numOrNull(row.run_at),
    waiting_for: unfinished ? ((strOrNull(row.waiting_for) as TaskWait | null) ?? null) : null,
    paused: unfinished && row.paused !== undefined && row.paused !== null && num(row.paused) !== 0,
  };
}

/**
 * Why a step that could run waits because of flow control, or null: a pending step with no unmet parent, or a
 * retrying one, whose ready_at is NULL because its task is held back (`task`: the task's waiting_for) or because it
 * is queued for a concurrency slot of its own (`gate` 1); or one waiting for a rate-limit token (`rate_wait` 1).
 */
export function heldStepWait(
  task: TaskWait | null,
  step: {
    state: StepState;
    unmet: number;
    ready_at: number | null;
    gate?: unknown;
    rate_wait?: unknown;
    /** A parked step (store-dynamic.ts): what it waits for, and for which attempt of which run. */
    wait_kind?: unknown;
    wait_key?: unknown;
    attempts?: number;
    run?: number;
  },
): StepWait | null {
  // A mapped step waits for its instances (its unmet counts them).
  if (step.wait_kind === 'map' && step.state === 'pending' && step.unmet > 0) return 'map';
  const ready = (step.state === 'pending' && step.unmet === 0) || step.state === 'retrying';
  if (!ready) return null;
  // Parked now: its wait is the one of the attempt it was handed back from (the next one to be claimed).
  if (typeof step.wait_kind === 'string' && step.wait_key === `${step.run ?? 1}:${(step.attempts ?? 0) + 1}`) {
    return step.wait_kind as StepWait;
  }
  // A step denied a rate-limit token (or rate-limited by its handler) keeps a ready_at: when to look again.
  if (step.ready_at !== null) {
    return step.rate_wait !== null && step.rate_wait !== undefined && num(step.rate_wait) === 1 ? 'rate_limit' : null;
  }
  if (task !== null) return task;
  return step.gate !== null && step.gate !== undefined && num(step.gate) === 1 ? 'concurrency' : null;
}

/**
 * A task that has not started yet and waits only because its ready steps wait for rate-limit tokens shows
 * `waiting_for: rate_limit` (read, not stored: concurrency limits read a stored NULL as "may run").
 */
export function taskRateWait(
  task: { current_state: string; started_at: number | null; waiting_for: TaskWait | null },
  steps: ReadonlyArray<{ waiting_for: string | null }>,
): TaskWait | null {
  if (task.waiting_for !== null || task.started_at !== null) return task.waiting_for;
  if (task.current_state !== 'pending' && task.current_state !== 'running') return null;
  return steps.some((s) => s.waiting_for === 'rate_limit') ? 'rate_limit' : null;
}

/** A step that could run now (claimable: pending or retrying with ready_at passed); `nowMs` is the store's clock. */
export function isClaimableNow(state: StepState, readyAt: number | null, nowMs: number): boolean {
  return (state === 'pending' || state === 'retrying') && readyAt !== null && readyAt <= nowMs;
}

/** The finalisation report for a task row that has just been given its final state and completed_at. */
export function mapFinalizedTask(row: Row, state: FinalizedTask['state'], completedAt: number): FinalizedTask {
  return {
    ...mapTaskIdentity(row),
    state,
    created_at: num(row.created_at),
    started_at: numOrNull(row.started_at),
    completed_at: completedAt,
    step_count: num(row.step_count),
  };
}

/**
 * Context and request fields of a task (columns context, initiator, source_system, reason, tags, trace_context,
 * scheduled_for).
 */
export function mapTaskContext(row: Row, decode: JsonDecoder = decodeJson): TaskContextRecord {
  return {
    context: decode(row.context),
    ...mapRequestFields(row, decode),
    trace_context: strOrNull(row.trace_context),
    scheduled_for: numOrNull(row.scheduled_for),
  };
}

/** The request fields a task keeps besides its context (columns initiator, source_system, reason, tags). */
function mapRequestFields(row: Row, decode: JsonDecoder): Omit<TaskContextRecord, 'context'> {
  return {
    initiator: strOrNull(row.initiator),
    source_system: strOrNull(row.source_system),
    reason: strOrNull(row.reason),
    tags: (decode(row.tags) as string[] | null) ?? [],
  };
}

export function mapTransitionRow(row: Row, decode: JsonDecoder = decodeJson): TransitionRecord {
  return {
    task_id: num(row.task_id),
    step_id: numOrNull(row.step_id),
    step_name: strOrNull(row.step_name),
    from_state: strOrNull(row.from_state),
    to_state: String(row.to_state),
    at: num(row.at),
    reason: strOrNull(row.reason),
    attempt: numOrNull(row.attempt),
    actor: strOrNull(row.actor),
    error: mapStepError(row.error, decode),
    run: runOf(row),
    results: row.results === undefined ? null : decode(row.results),
  };
}

/** A concurrency_groups row with its queued count (columns group_key, max_running, running, waiting). */
export function mapGroupRow(row: Row): ConcurrencyGroup {
  return {
    key: String(row.group_key),
    limit: num(row.max_running),
    running: num(row.running),
    waiting: num(row.waiting),
  };
}

export function mapWorkerRow(row: Row, decode: JsonDecoder = decodeJson): WorkerInfo {
  return {
    worker_id: String(row.worker_id),
    hostname: String(row.hostname),
    pid: num(row.pid),
    namespaces: (decode(row.namespaces) as string[] | null) ?? null,
    capabilities: (decode(row.capabilities) as string[] | null) ?? null,
    lease_ms: numOrNull(row.lease_ms),
    started_at: num(row.started_at),
    last_seen_at: num(row.last_seen_at),
  };
}

/** A sub-workflow row (`childTasks`). */
export function mapChildRow(row: Row): ChildTask {
  return {
    task_id: num(row.task_id),
    parent_step_id: num(row.parent_step_id),
    namespace: String(row.namespace),
    name: String(row.name),
    version: String(row.version),
    state: row.state as TaskState,
  };
}

/** A `signals` row (store-dynamic.ts). */
export function mapSignalRow(row: Row, decode: JsonDecoder = decodeJson): SignalRecord {
  return {
    signal_id: num(row.id),
    task_id: num(row.task_id),
    name: String(row.name),
    signal_key: strOrNull(row.signal_key),
    payload: decode(row.payload),
    actor: strOrNull(row.actor),
    received_at: num(row.received_at),
    consumed_step_id: numOrNull(row.consumed_step_id),
    consumed_at: numOrNull(row.consumed_at),
  };
}
