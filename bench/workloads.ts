// The benchmark workloads (issue 5, W1–W6; issue 14, W7 and its no-limit twin W7N; issue 15, W8: one task mapping
// over 10,000 items) and the task shapes they run: step numbering, parents and children.

export type ShapeId = 'flat' | 'diamond' | 'chain' | 'fanout' | 'keyed' | 'unkeyed' | 'map';

/** The shapes of issue 5, which every target encodes; the others are encoded only by targets that list them. */
export const BASE_SHAPES: readonly ShapeId[] = ['flat', 'diamond', 'chain', 'fanout'];

/** Shapes whose tasks carry a concurrency key: task `t` has key number `t % keys`. */
export const KEYED_SHAPES: readonly ShapeId[] = ['keyed', 'unkeyed'];

/** A task shape: steps are numbered 0..steps-1, step 0 is the only root and the last step is the only sink. */
export interface ShapeDef {
  readonly id: ShapeId;
  readonly steps: number;
  readonly parents: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
  readonly stepNames: readonly string[];
}

export interface ShapeParams {
  readonly chainLength: number;
  readonly fanoutWidth: number;
  /** W7: how many distinct concurrency-key values the tasks are spread over (task t has key t % keys). */
  readonly keys: number;
  /** W8: how many items the mapped step fans out over. */
  readonly mapItems: number;
}

function build(id: ShapeId, stepNames: string[], edges: Array<[number, number]>): ShapeDef {
  const parents: number[][] = stepNames.map(() => []);
  const children: number[][] = stepNames.map(() => []);
  for (const [from, to] of edges) {
    children[from]!.push(to);
    parents[to]!.push(from);
  }
  return { id, steps: stepNames.length, parents, children, stepNames };
}

/** flat: one step. */
export function flatShape(): ShapeDef {
  return build('flat', ['only'], []);
}

/** diamond: A → (B, C, D) → E, numbered A=0, B=1, C=2, D=3, E=4. */
export function diamondShape(): ShapeDef {
  return build(
    'diamond',
    ['A', 'B', 'C', 'D', 'E'],
    [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 4],
      [2, 4],
      [3, 4],
    ],
  );
}

/** chain: step i → step i+1. */
export function chainShape(length: number): ShapeDef {
  const names = Array.from({ length }, (_, i) => `s${i}`);
  const edges: Array<[number, number]> = [];
  for (let i = 0; i + 1 < length; i++) edges.push([i, i + 1]);
  return build('chain', names, edges);
}

/** fanout: root=0 → parallel 1..width → join=width+1. */
export function fanoutShape(width: number): ShapeDef {
  const names = ['root', ...Array.from({ length: width }, (_, i) => `p${i}`), 'join'];
  const edges: Array<[number, number]> = [];
  for (let i = 1; i <= width; i++) edges.push([0, i], [i, width + 1]);
  return build('fanout', names, edges);
}

/**
 * keyed / unkeyed: two steps a → b, so that a task spans a claim, a completion and the next claim. `keyed`'s template
 * allows one running task per key value (`concurrency: { key: "context.k", limit: 1 }`); `unkeyed` is the same
 * template with no limit.
 */
export function keyedShape(id: 'keyed' | 'unkeyed'): ShapeDef {
  return build(id, ['a', 'b'], [[0, 1]]);
}

/**
 * map: load=0 → one instance per item, 1..items (a list known only when `load` has run: Tasker's `map`) → after=items+1.
 * The mapped step's own gather claim runs no handler, so it records nothing: the shape is the fan-out's.
 */
export function mapShape(items: number): ShapeDef {
  const names = ['load', ...Array.from({ length: items }, (_, i) => `each[${i}]`), 'after'];
  const edges: Array<[number, number]> = [];
  for (let i = 1; i <= items; i++) edges.push([0, i], [i, items + 1]);
  return build('map', names, edges);
}

/** The key number of task `t` in a keyed shape. */
export function keyOf(task: number, params: ShapeParams): number {
  return task % params.keys;
}

export function shapeFor(id: ShapeId, params: ShapeParams): ShapeDef {
  switch (id) {
    case 'flat':
      return flatShape();
    case 'diamond':
      return diamondShape();
    case 'chain':
      return chainShape(params.chainLength);
    case 'fanout':
      return fanoutShape(params.fanoutWidth);
    case 'keyed':
    case 'unkeyed':
      return keyedShape(id);
    case 'map':
      return mapShape(params.mapItems);
  }
}

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6' | 'W7' | 'W7N' | 'W8';
/**
 * The default selection: issue 5's workloads. W7/W7N (concurrency keys) and W8 (map fan-out) run when named with
 * `--workloads`.
 */
export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];
const ALL_WORKLOAD_IDS: readonly WorkloadId[] = [...WORKLOAD_IDS, 'W7', 'W7N', 'W8'];

export interface WorkloadDef {
  readonly id: WorkloadId;
  readonly title: string;
  readonly shape: ShapeId;
  /** Number of tasks (W5: submitted at `ratePerSec` for `seconds`). */
  readonly tasks: number;
  readonly ratePerSec?: number;
  readonly seconds?: number;
  /** The headline metric and whether higher is better. */
  readonly headline: { readonly metric: string; readonly unit: string; readonly higherIsBetter: boolean };
}

export interface WorkloadSizes {
  flatTasks: number;
  diamondTasks: number;
  chainLength: number;
  fanoutWidth: number;
  steadyRate: number;
  steadySeconds: number;
  memoryPending: number;
  keyedTasks: number;
  keys: number;
  mapItems: number;
}

export const FULL_SIZES: WorkloadSizes = {
  flatTasks: 10_000,
  diamondTasks: 1_000,
  chainLength: 100,
  fanoutWidth: 1_000,
  steadyRate: 200,
  steadySeconds: 20,
  memoryPending: 100_000,
  keyedTasks: 1_000,
  keys: 100,
  mapItems: 10_000,
};

export const QUICK_SIZES: WorkloadSizes = {
  flatTasks: 2_000,
  diamondTasks: 200,
  chainLength: 100,
  fanoutWidth: 1_000,
  steadyRate: 200,
  steadySeconds: 5,
  memoryPending: 10_000,
  keyedTasks: 200,
  keys: 20,
  mapItems: 1_000,
};

export function workloads(sizes: WorkloadSizes): Record<WorkloadId, WorkloadDef> {
  return {
    W1: {
      id: 'W1',
      title: `flat: ${sizes.flatTasks} one-step tasks`,
      shape: 'flat',
      tasks: sizes.flatTasks,
      headline: { metric: 'stepsPerSec', unit: 'steps/s', higherIsBetter: true },
    },
    W2: {
      id: 'W2',
      title: `diamond: ${sizes.diamondTasks} tasks A→(B,C,D)→E`,
      shape: 'diamond',
      tasks: sizes.diamondTasks,
      headline: { metric: 'stepsPerSec', unit: 'steps/s', higherIsBetter: true },
    },
    W3: {
      id: 'W3',
      title: `chain: 1 task of ${sizes.chainLength} steps`,
      shape: 'chain',
      tasks: 1,
      headline: { metric: 'chainMeanMs', unit: 'ms/step', higherIsBetter: false },
    },
    W4: {
      id: 'W4',
      title: `fan-out: 1 → ${sizes.fanoutWidth} → 1`,
      shape: 'fanout',
      tasks: 1,
      headline: { metric: 'wallMs', unit: 'ms', higherIsBetter: false },
    },
    W5: {
      id: 'W5',
      title: `latency: ${sizes.steadyRate} one-step tasks/s for ${sizes.steadySeconds} s`,
      shape: 'flat',
      tasks: sizes.steadyRate * sizes.steadySeconds,
      ratePerSec: sizes.steadyRate,
      seconds: sizes.steadySeconds,
      headline: { metric: 'startP50Ms', unit: 'ms p50', higherIsBetter: false },
    },
    W6: {
      id: 'W6',
      title: `memory: ${sizes.memoryPending} pending one-step tasks`,
      shape: 'flat',
      tasks: sizes.memoryPending,
      headline: { metric: 'rssPeakMb', unit: 'MB RSS', higherIsBetter: false },
    },
    W7: {
      id: 'W7',
      title: `concurrency keys: ${sizes.keyedTasks} two-step tasks over ${sizes.keys} keys, limit 1 per key`,
      shape: 'keyed',
      tasks: sizes.keyedTasks,
      headline: { metric: 'tasksPerSec', unit: 'tasks/s', higherIsBetter: true },
    },
    W7N: {
      id: 'W7N',
      title: `W7 without the limit: the same ${sizes.keyedTasks} tasks over ${sizes.keys} keys, no concurrency key`,
      shape: 'unkeyed',
      tasks: sizes.keyedTasks,
      headline: { metric: 'tasksPerSec', unit: 'tasks/s', higherIsBetter: true },
    },
    W8: {
      id: 'W8',
      title: `map: 1 task mapping over ${sizes.mapItems} items (load → ${sizes.mapItems} instances → after)`,
      shape: 'map',
      tasks: 1,
      headline: { metric: 'wallMs', unit: 'ms', higherIsBetter: false },
    },
  };
}

/** Parse `W1,W3` (case-insensitive); throws on unknown ids. */
export function parseWorkloadList(text: string): WorkloadId[] {
  const ids = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const id of ids) {
    if (!(ALL_WORKLOAD_IDS as readonly string[]).includes(id)) {
      throw new Error(`--workloads: unknown workload "${id}"; expected some of ${ALL_WORKLOAD_IDS.join(',')}`);
    }
  }
  return ids as WorkloadId[];
}
