// Tasker's encoding of the benchmark shapes: one template per shape (namespace `bench`, name = shape id), every
// step a DAG node with its real dependencies, all steps served by one handler that reports to the harness. W7's
// `keyed` shape declares a per-key concurrency limit of 1 on the task (`context.k`); `unkeyed` is the same without.
// W8's `map` shape is three steps: `load` returns the list, `each` maps over it (one instance per item), `after`.
import { defineTask, type TaskTemplate } from '../../../src/index.js';
import { BASE_SHAPES, KEYED_SHAPES, type ShapeId } from '../../workloads.js';
import type { ShapeDef } from '../target.js';

export const BENCH_NAMESPACE = 'bench';
export const BENCH_HANDLER = 'Bench::StepHandler';

/** Every shape Tasker's target encodes (one template each). */
export const TASKER_SHAPES: readonly ShapeId[] = [...BASE_SHAPES, ...KEYED_SHAPES, 'map'];

export function benchTemplate(shape: ShapeDef): TaskTemplate {
  if (shape.id === 'map') {
    return defineTask({
      name: shape.id,
      namespace_name: BENCH_NAMESPACE,
      version: '1.0.0',
      step_templates: [
        { name: 'load', handler_class: BENCH_HANDLER },
        { name: 'each', handler_class: BENCH_HANDLER, depends_on_step: 'load', map: { over: 'load.results.items' } },
        { name: 'after', handler_class: BENCH_HANDLER, depends_on_step: 'each' },
      ],
    });
  }
  return defineTask({
    name: shape.id,
    namespace_name: BENCH_NAMESPACE,
    version: '1.0.0',
    ...(shape.id === 'keyed' ? { concurrency: { key: 'context.k', limit: 1 } } : {}),
    step_templates: shape.stepNames.map((name, i) => {
      const parents = shape.parents[i]!.map((p) => shape.stepNames[p]!);
      return parents.length
        ? { name, handler_class: BENCH_HANDLER, depends_on_steps: parents }
        : { name, handler_class: BENCH_HANDLER };
    }),
  });
}
