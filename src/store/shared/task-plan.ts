// Validates a NewTask and computes what creation must write: each step's unmet-parent count and readiness, the
// parent -> child edges, and the task's open/satisfied counters. Pure, so every store creates tasks identically.
import { InvalidRequestError } from '../../core/errors.js';
import type { NewStep, NewTask } from '../../core/store-contract.js';

export interface PlannedStepRow {
  /** Position in `NewTask.steps` (insertion order, so step ids follow it). */
  index: number;
  step: NewStep;
  state: 'pending' | 'skipped';
  /** Parents not skipped at creation. */
  unmet: number;
  /** Pending with no unmet parents: claimable as soon as the task is written. */
  ready: boolean;
}

export interface TaskPlan {
  steps: PlannedStepRow[];
  /** [parentIndex, childIndex] pairs. */
  edges: Array<[number, number]>;
  /** Steps claimable at creation (the task's initial `open_steps`). */
  openSteps: number;
  /** Steps skipped at creation (the task's initial `satisfied_steps`). */
  satisfiedSteps: number;
}

function nonEmpty(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidRequestError(`task ${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

function checkStepFields(step: NewStep, at: string): void {
  if (typeof step.handler_class !== 'string' || step.handler_class.length === 0) {
    throw new InvalidRequestError(`${at}: handler_class must be a non-empty string`);
  }
  if (!Number.isInteger(step.retry_limit) || step.retry_limit < 0) {
    throw new InvalidRequestError(`${at}: retry_limit must be an integer >= 0, got ${step.retry_limit}`);
  }
  if (step.timeout_ms !== null && !(Number.isInteger(step.timeout_ms) && step.timeout_ms > 0)) {
    throw new InvalidRequestError(`${at}: timeout_ms must be a positive integer or null, got ${step.timeout_ms}`);
  }
  if (step.initial_state !== 'pending' && step.initial_state !== 'skipped') {
    throw new InvalidRequestError(`${at}: initial_state must be "pending" or "skipped", got ${step.initial_state}`);
  }
  if (!Array.isArray(step.depends_on)) throw new InvalidRequestError(`${at}: depends_on must be an array of names`);
}

/** Throws InvalidRequestError for a cycle, naming the steps on it. Kahn's algorithm, O(steps + edges). */
function assertAcyclic(names: string[], edges: Array<[number, number]>): void {
  const indegree = names.map(() => 0);
  const children: number[][] = names.map(() => []);
  for (const [parent, child] of edges) {
    indegree[child]! += 1;
    children[parent]!.push(child);
  }
  const queue = names.flatMap((_, i) => (indegree[i] === 0 ? [i] : []));
  let seen = 0;
  while (queue.length > 0) {
    const i = queue.pop()!;
    seen += 1;
    for (const c of children[i]!) if (--indegree[c]! === 0) queue.push(c);
  }
  if (seen < names.length) {
    const onCycle = names.filter((_, i) => indegree[i]! > 0);
    throw new InvalidRequestError(`step dependencies form a cycle among: ${onCycle.join(', ')}`);
  }
}

/** Validate the request and compute the rows creation writes. */
export function planNewTask(task: NewTask): TaskPlan {
  nonEmpty(task.namespace, 'namespace');
  nonEmpty(task.name, 'name');
  nonEmpty(task.version, 'version');
  nonEmpty(task.correlation_id, 'correlation_id');
  if (!Array.isArray(task.tags) || task.tags.some((t) => typeof t !== 'string')) {
    throw new InvalidRequestError('task tags must be an array of strings');
  }
  if (task.idempotency_key !== null && (typeof task.idempotency_key !== 'string' || task.idempotency_key === '')) {
    throw new InvalidRequestError('task idempotency_key must be a non-empty string or null');
  }
  if (!Array.isArray(task.steps)) throw new InvalidRequestError('task steps must be an array');

  const indexByName = new Map<string, number>();
  task.steps.forEach((step, index) => {
    const at = `step #${index + 1}`;
    if (typeof step.name !== 'string' || step.name.length === 0) {
      throw new InvalidRequestError(`${at}: name must be a non-empty string`);
    }
    if (indexByName.has(step.name)) throw new InvalidRequestError(`duplicate step name "${step.name}"`);
    checkStepFields(step, `step "${step.name}"`);
    indexByName.set(step.name, index);
  });

  const edges: Array<[number, number]> = [];
  task.steps.forEach((step, child) => {
    const parents = new Set<string>();
    for (const parentName of step.depends_on) {
      const parent = indexByName.get(parentName);
      if (parent === undefined) {
        throw new InvalidRequestError(`step "${step.name}" depends on unknown step "${parentName}"`);
      }
      if (parent === child) throw new InvalidRequestError(`step "${step.name}" depends on itself`);
      if (parents.has(parentName)) continue;
      parents.add(parentName);
      edges.push([parent, child]);
    }
  });
  assertAcyclic(
    task.steps.map((s) => s.name),
    edges,
  );

  const unmet = task.steps.map(() => 0);
  for (const [parent, child] of edges) {
    if (task.steps[parent]!.initial_state !== 'skipped') unmet[child]! += 1;
  }
  const steps = task.steps.map((step, index): PlannedStepRow => {
    const state = step.initial_state;
    return { index, step, state, unmet: unmet[index]!, ready: state === 'pending' && unmet[index] === 0 };
  });
  return {
    steps,
    edges,
    openSteps: steps.filter((s) => s.ready).length,
    satisfiedSteps: steps.filter((s) => s.state === 'skipped').length,
  };
}
