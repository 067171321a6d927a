// The benchmark workloads (issue 5, W1–W6) and the task shapes they run: step numbering, parents and children.

export type ShapeId = 'flat' | 'diamond' | 'chain' | 'fanout';

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
  }
}

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6';
export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'];

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
}

export const FULL_SIZES: WorkloadSizes = {
  flatTasks: 10_000,
  diamondTasks: 1_000,
  chainLength: 100,
  fanoutWidth: 1_000,
  steadyRate: 200,
  steadySeconds: 20,
  memoryPending: 100_000,
};

export const QUICK_SIZES: WorkloadSizes = {
  flatTasks: 2_000,
  diamondTasks: 200,
  chainLength: 100,
  fanoutWidth: 1_000,
  steadyRate: 200,
  steadySeconds: 5,
  memoryPending: 10_000,
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
  };
}

/** Parse `W1,W3` (case-insensitive); throws on unknown ids. */
export function parseWorkloadList(text: string): WorkloadId[] {
  const ids = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const id of ids) {
    if (!(WORKLOAD_IDS as readonly string[]).includes(id)) {
      throw new Error(`--workloads: unknown workload "${id}"; expected some of ${WORKLOAD_IDS.join(',')}`);
    }
  }
  return ids as WorkloadId[];
}
