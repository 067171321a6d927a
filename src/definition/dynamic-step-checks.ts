// Whole-template checks of dynamic steps (after every step is read and merged): a step runs a handler, waits, or runs
// a sub-workflow — never two of them; a value reference to a step's results names an upstream step (an ancestor,
// which is what the engine loads for it); a map may not wait; `name[3]` is reserved for map instances.
import type { IssueCollector } from './issue-collector.js';
import { dependencyRefs, type StepFields } from './step-fields.js';
import { parseValueRef } from './value-ref.js';

/** Step names a map instance takes (`charge_line_item[3]`): no declared step may look like one. */
export const MAP_INSTANCE_NAME = /\[\d+\]$/;

function ancestorsOf(name: string, parents: ReadonlyMap<string, string[]>): Set<string> {
  const found = new Set<string>();
  const stack = [...(parents.get(name) ?? [])];
  while (stack.length) {
    const n = stack.pop() as string;
    if (found.has(n)) continue;
    found.add(n);
    stack.push(...(parents.get(n) ?? []));
  }
  return found;
}

export function checkDynamicSteps(c: IssueCollector, steps: readonly StepFields[]): void {
  const parents = new Map<string, string[]>();
  for (const s of steps)
    if (s.name !== undefined)
      parents.set(
        s.name,
        dependencyRefs(s).map((d) => d.name),
      );
  for (const s of steps) {
    const step = s.name;
    if (step === undefined) continue;
    if (MAP_INSTANCE_NAME.test(step)) {
      c.add('invalid_value', `step name '${step}' ends in [digits], which names the instances of a mapped step`, {
        path: s.namePath,
        step,
        key: 'name',
      });
    }
    const kinds = (['handler_class', 'wait_for', 'subtask'] as const).filter((k) => s[k] !== undefined);
    if (kinds.length > 1) {
      c.add(
        'invalid_value',
        `a step has one way to run: ${kinds.join(' and ')} cannot be combined (wait_for and subtask steps have no handler)`,
        { path: [...s.path, kinds[1]!], step, key: kinds[1]! },
      );
    }
    if (s.map !== undefined && s.wait_for !== undefined) {
      c.add('invalid_value', 'map cannot be combined with wait_for (map a handler or a subtask)', {
        path: [...s.path, 'map'],
        step,
        key: 'map',
      });
    }
    const refs: Array<{ text: string; key: string; path: (string | number)[] }> = [];
    if (s.map) refs.push({ text: s.map.over, key: 'map.over', path: [...s.path, 'map', 'over'] });
    if (s.wait_for?.until) refs.push({ text: s.wait_for.until, key: 'wait_for.until', path: [...s.path, 'wait_for'] });
    for (const [k, v] of Object.entries(s.subtask?.context_from ?? {})) {
      refs.push({ text: v, key: `subtask.context_from.${k}`, path: [...s.path, 'subtask', 'context_from', k] });
    }
    if (refs.length === 0) continue;
    const upstream = ancestorsOf(step, parents);
    for (const ref of refs) {
      const parsed = parseValueRef(ref.text);
      if ('error' in parsed || parsed.from !== 'step' || upstream.has(parsed.step)) continue;
      const why = parents.has(parsed.step)
        ? `'${parsed.step}' is not upstream of '${step}' (add it to depends_on_step)`
        : `'${parsed.step}' is not a step of this template`;
      c.add('invalid_value', `${ref.key}: ${ref.text} reads ${why}`, { path: ref.path, step, key: ref.key });
    }
  }
}
