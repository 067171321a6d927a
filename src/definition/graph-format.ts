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

function renderMermaid(template: TaskTemplate): string {
  const dag = buildDag(template.step_templates);
  // Node ids are positional so any step name (even mermaid keywords like `end`) is safe; names are the labels.
  const id = new Map(dag.nodes.map((n, i) => [n, `s${i}`]));
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
