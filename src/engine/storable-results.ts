// Whether a step's results survive the store unchanged (JSON drops or changes NaN, Infinity, functions, undefined in
// arrays, Maps, … and refuses bigints and cycles; see store/shared/json-fidelity.ts, the one walker for every such
// check). `unstorableAt` names the first such value and its path, e.g. `results.items[3].price is NaN, …`.
import { jsonProblems } from '../core/json-fidelity.js';

/** The first value in `value` that JSON cannot store faithfully, as `<path> <problem>`, or null when all is well. */
export function unstorableAt(value: unknown, root = 'results'): string | null {
  const [problem] = jsonProblems(value, root, { max: 1, pathStyle: 'js' });
  return problem === undefined ? null : `${problem.path} ${problem.message}`;
}
