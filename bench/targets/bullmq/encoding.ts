// How each task shape is expressed with BullMQ flows (which are trees, children before parent): what the client
// submits for a task, and what the processor of a step adds when it finishes.
import type { FlowJob } from 'bullmq';
import type { ShapeDef, ShapeId } from '../target.js';

export const BULLMQ_QUEUE = 'bench_step';
export const BULLMQ_JOB = 'step';

export interface StepData {
  s: ShapeId;
  t: number;
  i: number;
}

function leaf(s: ShapeId, t: number, i: number): FlowJob {
  return { name: BULLMQ_JOB, queueName: BULLMQ_QUEUE, data: { s, t, i } satisfies StepData };
}

/** `join` as the parent of `steps`: BullMQ moves it to wait once all of them completed. */
function joinFlow(s: ShapeId, t: number, join: number, steps: readonly number[]): FlowJob {
  return { ...leaf(s, t, join), children: steps.map((c) => leaf(s, t, c)) };
}

/** A chain as nested flows: the last step is the root of the tree and step 0 its deepest leaf. */
function chainFlow(shape: ShapeDef, t: number): FlowJob {
  let node = leaf(shape.id, t, 0);
  for (let i = 1; i < shape.steps; i++) node = { ...leaf(shape.id, t, i), children: [node] };
  return node;
}

/** What the client submits for task `t`: the whole chain as one flow, otherwise the root step as a plain job. */
export function submission(shape: ShapeDef, t: number): { flow: FlowJob } | { job: StepData } {
  if (shape.id === 'chain') return { flow: chainFlow(shape, t) };
  return { job: { s: shape.id, t, i: 0 } };
}

/**
 * What the processor of `step` adds after running it. A root that forks into steps all closed by one join
 * (diamond A → B,C,D → E; fan-out root → 1..N → join) adds the flow join{forked steps}; everything else is
 * already in the tree submitted by the client.
 */
export function followUp(shape: ShapeDef, t: number, step: number): FlowJob | undefined {
  if ((shape.id === 'diamond' || shape.id === 'fanout') && step === 0) {
    return joinFlow(shape.id, t, shape.steps - 1, shape.children[0]!);
  }
  return undefined;
}
