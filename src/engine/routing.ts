// Runtime conditional branching: when a handler returns `routeTo([...])`, the chosen dependents run and the other
// dependents are skipped, together with every step reachable only through skipped steps. Joins after the branch
// still run, because skipped steps satisfy their dependents.
import type { CompiledTemplate } from './workflow-catalog.js';
import { PermanentError } from '../core/errors.js';

/** Names of the steps to prune when `stepName` routes to `chosen`; throws when `chosen` is not a set of dependents. */
export function pruneForRoute(compiled: CompiledTemplate, stepName: string, chosen: readonly string[]): string[] {
  const children = compiled.dag.children.get(stepName) ?? [];
  const bad = chosen.filter((c) => !children.includes(c));
  if (bad.length) {
    throw new PermanentError(
      `step '${stepName}' routed to ${bad.map((b) => `'${b}'`).join(', ')}, which ${bad.length > 1 ? 'are not dependents' : 'is not a dependent'} of it (dependents: ${children.join(', ') || 'none'})`,
      { errorCode: 'invalid_route' },
    );
  }
  const pruned = new Set(children.filter((c) => !chosen.includes(c)));
  if (pruned.size === 0) return [];
  // Walk levels in topological order: a step is pruned when every parent is pruned.
  for (const level of compiled.dag.levels) {
    for (const name of level) {
      if (pruned.has(name)) continue;
      const parents = compiled.dag.parents.get(name) ?? [];
      if (parents.length > 0 && parents.every((p) => pruned.has(p))) pruned.add(name);
    }
  }
  return [...pruned];
}
