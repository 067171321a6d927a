// Prints a template's step graph as Mermaid, Graphviz DOT or JSON ({nodes, edges, levels, roots, leaves}, and `maps`
// when a step maps over a list). A mapped step is one node standing for all its instances: drawn as a stack, labelled
// with the list it maps over.
import { buildDag } from './dag.js';
import { templateKey, type MapSpec, type TaskTemplate } from './model.js';

/** The mapped steps of a template, by name. */
function mapsOf(template: TaskTemplate): Map<string, MapSpec> {
  return new Map(template.step_templates.flatMap((s) => (s.map ? [[s.name, s.map] as const] : [])));
}

/** A mapped step's label: `name (map over <list>, max_parallel N)`. */
function mapLabel(name: string, spec: MapSpec): string {
  const limit = spec.max_parallel !== undefined ? `, max_parallel ${spec.max_parallel}` : '';
  return `${name} (map over ${spec.over}${limit})`;
}

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function isGraphFormat(value: string): value is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(value);
}

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const mermaidLabel = (s: string): string => `"${s.replace(/"/g, '#quot;')}"`;

const MERMAID_RESERVED = new Set([
  'end',
  'graph',
  'flowchart',
  'subgraph',
  'style',
  'class',
  'classdef',
  'click',
  'linkstyle',
  'direction',
  'default',
]);

/** A step's own name as its node id when mermaid accepts it; otherwise a positional id (labels always show names). */
function mermaidIds(nodes: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const ids = new Map<string, string>();
  const safe = new Set(
    nodes.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && !MERMAID_RESERVED.has(n.toLowerCase())),
  );
  for (const n of safe) used.add(n);
  nodes.forEach((n, i) => {
    if (safe.has(n)) return void ids.set(n, n);
    let id = `step_${i}`;
    while (used.has(id)) id += '_';
    used.add(id);
    ids.set(n, id);
  });
  return ids;
}

function renderMermaid(template: TaskTemplate): string {
  const dag = buildDag(template.step_templates);
  const id = mermaidIds(dag.nodes);
  const lines = ['flowchart TD', `  %% ${templateKey(template)}`];
  const maps = mapsOf(template);
  for (const n of dag.nodes) {
    const spec = maps.get(n);
    lines.push(spec ? `  ${id.get(n)}[[${mermaidLabel(mapLabel(n, spec))}]]` : `  ${id.get(n)}[${mermaidLabel(n)}]`);
  }
  for (const e of dag.edges) lines.push(`  ${id.get(e.from)} --> ${id.get(e.to)}`);
  return `${lines.join('\n')}\n`;
}

function renderDot(template: TaskTemplate): string {
  const dag = buildDag(template.step_templates);
  const lines = [`digraph ${dotString(templateKey(template))} {`, '  rankdir=LR;', '  node [shape=box];'];
  const maps = mapsOf(template);
  for (const n of dag.nodes) {
    const spec = maps.get(n);
    lines.push(spec ? `  ${dotString(n)} [shape=box3d, label=${dotString(mapLabel(n, spec))}];` : `  ${dotString(n)};`);
  }
  for (const e of dag.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderJson(template: TaskTemplate): string {
  const { nodes, edges, levels, roots, leaves } = buildDag(template.step_templates);
  const maps = mapsOf(template);
  const graph = maps.size
    ? { nodes, edges, levels, roots, leaves, maps: Object.fromEntries(maps) }
    : { nodes, edges, levels, roots, leaves };
  return `${JSON.stringify(graph, null, 2)}\n`;
}

export function renderGraph(template: TaskTemplate, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(template);
    case 'dot':
      return renderDot(template);
    case 'json':
      return renderJson(template);
  }
}
