// The step graph of a template: nodes, edges (dependency -> dependent), topological levels, roots, leaves,
// ancestry and cycle finding. Everything is linear in nodes + edges and ordered by step declaration.
import { NotFoundError, TaskerError } from '../core/errors.js';

export interface DagStepInput {
  name: string;
  depends_on: readonly string[];
}

export interface Dag {
  /** Step names in declaration order. */
  nodes: string[];
  /** `from` must finish before `to` (to depends on from). */
  edges: Array<{ from: string; to: string }>;
  /** Level 0 are the roots; a node's level is 1 + the highest level among its parents. */
  levels: string[][];
  roots: string[];
  leaves: string[];
  parents: ReadonlyMap<string, readonly string[]>;
  children: ReadonlyMap<string, readonly string[]>;
}

interface Adjacency {
  nodes: string[];
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
}

/** Parent and child lists; dependencies on names that are not steps are ignored (validation reports them). */
function adjacency(steps: ReadonlyArray<DagStepInput>): Adjacency {
  const nodes: string[] = [];
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const s of steps) {
    if (parents.has(s.name)) throw new TaskerError(`duplicate step name '${s.name}' in graph`, 'dag_duplicate');
    nodes.push(s.name);
    parents.set(s.name, []);
    children.set(s.name, []);
  }
  for (const s of steps) {
    const own = parents.get(s.name) as string[];
    const seen = new Set<string>();
    for (const dep of s.depends_on) {
      if (seen.has(dep) || !children.has(dep)) continue;
      seen.add(dep);
      own.push(dep);
      (children.get(dep) as string[]).push(s.name);
    }
  }
  return { nodes, parents, children };
}

/** A cycle as a closed walk along edges, e.g. ['a', 'b', 'c', 'a'] for a -> b -> c -> a; null when acyclic. */
function cycleIn({ nodes, children }: Adjacency): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = finished
  for (const start of nodes) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 1);
    while (path.length > 0) {
      const top = path.length - 1;
      const node = path[top] as string;
      const kids = children.get(node) as string[];
      const i = next[top] as number;
      if (i >= kids.length) {
        state.set(node, 2);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const kid = kids[i] as string;
      const s = state.get(kid);
      if (s === 1) return [...path.slice(path.indexOf(kid)), kid];
      if (s === undefined) {
        state.set(kid, 1);
        path.push(kid);
        next.push(0);
      }
    }
  }
  return null;
}

export function findCycle(steps: ReadonlyArray<DagStepInput>): string[] | null {
  return cycleIn(adjacency(steps));
}

/** Build the graph. Throws TaskerError (code `dag_cycle`) naming the cycle when there is one. */
export function buildDag(steps: ReadonlyArray<DagStepInput>): Dag {
  const adj = adjacency(steps);
  const { nodes, parents, children } = adj;
  const level = new Map<string, number>();
  const waiting = new Map<string, number>();
  const queue: string[] = [];
  for (const n of nodes) {
    const count = (parents.get(n) as string[]).length;
    waiting.set(n, count);
    if (count === 0) {
      queue.push(n);
      level.set(n, 0);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head] as string;
    const l = level.get(n) as number;
    for (const kid of children.get(n) as string[]) {
      level.set(kid, Math.max(level.get(kid) ?? 0, l + 1));
      const left = (waiting.get(kid) as number) - 1;
      waiting.set(kid, left);
      if (left === 0) queue.push(kid);
    }
  }
  if (queue.length < nodes.length) {
    const cycle = cycleIn(adj) ?? [];
    throw new TaskerError(`step graph has a cycle: ${cycle.join(' -> ')}`, 'dag_cycle', cycle);
  }
  const levels: string[][] = [];
  const edges: Array<{ from: string; to: string }> = [];
  for (const n of nodes) {
    const l = level.get(n) as number;
    (levels[l] ??= []).push(n);
    for (const p of parents.get(n) as string[]) edges.push({ from: p, to: n });
  }
  return {
    nodes,
    edges,
    levels,
    roots: nodes.filter((n) => (parents.get(n) as string[]).length === 0),
    leaves: nodes.filter((n) => (children.get(n) as string[]).length === 0),
    parents,
    children,
  };
}

function reachable(dag: Dag, name: string, via: ReadonlyMap<string, readonly string[]>): string[] {
  if (!via.has(name)) throw new NotFoundError(`no step named '${name}' in this graph`);
  const found = new Set<string>();
  const stack = [...(via.get(name) as readonly string[])];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (found.has(n)) continue;
    found.add(n);
    for (const m of via.get(n) ?? []) if (!found.has(m)) stack.push(m);
  }
  return dag.nodes.filter((n) => found.has(n));
}

/** Every step `name` transitively depends on, in declaration order. */
export function ancestorsOf(dag: Dag, name: string): string[] {
  return reachable(dag, name, dag.parents);
}

/** Every step that transitively depends on `name`, in declaration order. */
export function descendantsOf(dag: Dag, name: string): string[] {
  return reachable(dag, name, dag.children);
}
