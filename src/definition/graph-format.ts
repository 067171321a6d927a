// Prints a template's step graph as Mermaid, Graphviz DOT or JSON ({nodes, edges, levels, roots, leaves}).
import { buildDag } from './dag.js';
import { templateKey, type TaskTemplate } from './model.js';

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
  for (const n of dag.nodes) lines.push(`  ${id.get(n)}[${mermaidLabel(n)}]`);
  for (const e of dag.edges) lines.push(`  ${id.get(e.from)} --> ${id.get(e.to)}`);
  return `${lines.join('\n')}\n`;
}

function renderDot(template: TaskTemplate): string {
  const dag = buildDag(template.step_templates);
  const lines = [`digraph ${dotString(templateKey(template))} {`, '  rankdir=LR;', '  node [shape=box];'];
  for (const n of dag.nodes) lines.push(`  ${dotString(n)};`);
  for (const e of dag.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderJson(template: TaskTemplate): string {
  const { nodes, edges, levels, roots, leaves } = buildDag(template.step_templates);
  return `${JSON.stringify({ nodes, edges, levels, roots, leaves }, null, 2)}\n`;
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
