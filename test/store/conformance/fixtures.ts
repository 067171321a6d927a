// Shared helpers of the store conformance suite: building task requests, claiming and completing steps, polling
// (never timing), and checking that histories hold only legal transitions.
import { afterEach, beforeEach, expect } from 'vitest';
import { canTransitionStep, canTransitionTask, type StepState, type TaskState } from '../../../src/core/states.js';
import type {
  ClaimedStep,
  CompletionResult,
  NewStep,
  NewTask,
  StepOutcome,
  Store,
  TaskId,
  TransitionRecord,
} from '../../../src/core/store-contract.js';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Registers a fresh store per test; call the returned getter inside tests. */
export function useStore(makeStore: MakeStore): () => Store {
  let current: { store: Store; cleanup: () => Promise<void> } | null = null;
  beforeEach(async () => {
    current = await makeStore();
  });
  afterEach(async () => {
    const c = current;
    current = null;
    if (!c) return;
    try {
      await expectConsistentHistories(c.store);
    } finally {
      await c.cleanup();
    }
  });
  return () => {
    if (!current) throw new Error('store not open: use the getter inside a test');
    return current.store;
  };
}

export const LEASE = 60_000;

export function step(name: string, depends_on: string[] = [], over: Partial<NewStep> = {}): NewStep {
  return {
    name,
    handler_class: `Handlers::${name}`,
    depends_on,
    retry_limit: 3,
    retryable: true,
    timeout_ms: null,
    skippable: false,
    initial_state: 'pending',
    ...over,
  };
}

let serial = 0;
export function newTask(steps: NewStep[], over: Partial<NewTask> = {}): NewTask {
  serial += 1;
  return {
    namespace: 'conformance',
    name: 'sample',
    version: '1.0.0',
    context: { n: serial },
    initiator: 'tester',
    source_system: 'vitest',
    reason: 'conformance',
    tags: ['t1'],
    idempotency_key: null,
    correlation_id: `corr-${serial}`,
    steps,
    ...over,
  };
}

/** linear a -> b -> c */
export const linear = () => [step('a'), step('b', ['a']), step('c', ['b'])];
/** diamond a -> (b, c) -> d */
export const diamond = () => [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])];

export async function create(store: Store, steps: NewStep[], over: Partial<NewTask> = {}): Promise<TaskId> {
  const r = await store.createTask(newTask(steps, over));
  expect(r.created).toBe(true);
  return r.task_id;
}

export async function claim(store: Store, workerId = 'w1', limit = 100, leaseMs = LEASE, namespaces?: string[] | null) {
  return store.claimSteps({ workerId, limit, leaseMs, ...(namespaces !== undefined ? { namespaces } : {}) });
}

export function names(claimed: ClaimedStep[]): string[] {
  return claimed.map((c) => c.name).sort();
}

export function ok(c: ClaimedStep, results: unknown = { ok: c.name }, prune?: string[]): StepOutcome {
  return {
    type: 'completed',
    step_id: c.step_id,
    task_id: c.task.task_id,
    attempt: c.attempt,
    results,
    ...(prune ? { prune } : {}),
  };
}

export function err(message: string, cls = 'Error', code: string | null = null) {
  return { message, class: cls, code, stack: `Error: ${message}\n    at handler (file.js:1:1)` };
}

export function retry(c: ClaimedStep, delayMs: number, message = 'try again'): StepOutcome {
  return {
    type: 'retry',
    step_id: c.step_id,
    task_id: c.task.task_id,
    attempt: c.attempt,
    delayMs,
    error: err(message, 'RetryableError', 'E_RETRY'),
  };
}

export function fail(c: ClaimedStep, message = 'broken'): StepOutcome {
  return {
    type: 'failed',
    step_id: c.step_id,
    task_id: c.task.task_id,
    attempt: c.attempt,
    error: err(message, 'PermanentError', 'E_PERM'),
  };
}

export function release(c: ClaimedStep): StepOutcome {
  return { type: 'released', step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
}

export async function complete(store: Store, outcomes: StepOutcome[], workerId = 'w1'): Promise<CompletionResult> {
  return store.completeSteps(outcomes, { workerId });
}

/** Claim and complete everything claimable until a claim comes back empty. */
export async function drain(store: Store, workerId = 'w1'): Promise<CompletionResult[]> {
  const results: CompletionResult[] = [];
  for (let claimed = await claim(store, workerId); claimed.length > 0; claimed = await claim(store, workerId)) {
    results.push(
      await complete(
        store,
        claimed.map((c) => ok(c)),
        workerId,
      ),
    );
  }
  return results;
}

export async function stepStates(store: Store, taskId: TaskId): Promise<Record<string, StepState>> {
  const task = await store.getTask(taskId);
  if (!task) throw new Error(`task ${taskId} missing`);
  return Object.fromEntries(task.workflow_steps.map((s) => [s.name, s.current_state]));
}

export async function taskState(store: Store, taskId: TaskId): Promise<TaskState> {
  const task = await store.getTask(taskId);
  if (!task) throw new Error(`task ${taskId} missing`);
  return task.current_state;
}

export async function stepId(store: Store, taskId: TaskId, name: string): Promise<number> {
  const task = await store.getTask(taskId);
  const s = task?.workflow_steps.find((x) => x.name === name);
  if (!s) throw new Error(`step ${name} missing in task ${taskId}`);
  return s.workflow_step_id;
}

/** Poll until `probe` returns a value that is not undefined/null/false (no timing assertion: only a generous cap). */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  capMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every row of a history is a legal transition of its state machine. */
export function expectLegal(history: TransitionRecord[]): void {
  for (const row of history) {
    const legal =
      row.step_id === null
        ? canTransitionTask(row.from_state as TaskState, row.to_state as TaskState)
        : canTransitionStep(row.from_state as StepState, row.to_state as StepState);
    expect(
      legal,
      `illegal ${row.step_id === null ? 'task' : `step ${row.step_name}`} ${row.from_state} -> ${row.to_state}`,
    ).toBe(true);
  }
}

/** The (from -> to) pairs of one step's rows, in order. */
export function moves(history: TransitionRecord[], stepName: string | null): string[] {
  return history
    .filter((h) => h.step_name === stepName && (stepName !== null || h.step_id === null))
    .map((h) => `${h.from_state}>${h.to_state}`);
}

/**
 * The invariant every test ends with: for every task, each task and step history is an unbroken chain of legal
 * transitions (each row starts where the previous one ended) that ends in the current state.
 */
export async function expectConsistentHistories(store: Store): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ limit: 1000, sort: 'task_id', order: 'asc', cursor });
    for (const summary of page.tasks) {
      const task = (await store.getTask(summary.task_id))!;
      const history = await store.getHistory(task.task_id);
      expectLegal(history);
      const chains = new Map<number | null, string>();
      for (const row of history) {
        const previous = chains.get(row.step_id) ?? 'pending';
        const what = row.step_id === null ? `task ${task.task_id}` : `step ${row.step_name} of task ${task.task_id}`;
        expect(row.from_state, `${what}: history row starts where the previous ended`).toBe(previous);
        chains.set(row.step_id, row.to_state);
      }
      expect(chains.get(null), `task ${task.task_id} history ends in its state`).toBe(task.current_state);
      for (const s of task.workflow_steps) {
        expect(chains.get(s.workflow_step_id) ?? 'pending', `step ${s.name} history ends in its state`).toBe(
          s.current_state,
        );
      }
    }
    cursor = page.next_cursor;
  } while (cursor);
}
