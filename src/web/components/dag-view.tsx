// The DAG of a task or a template, laid out by dagre (left to right) and drawn as SVG. Each node is a focusable
// element with data-step and data-state (stable hooks for tests and automation), coloured by state; skipped and
// cancelled steps are dashed, and edges into them too, so a branch that did not run stands apart.
import dagre from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import { stateLabel } from '../states.js';

export interface DagNode {
  name: string;
  state?: string;
  /** A second line under the name (attempts, handler class). */
  note?: string;
}

interface Props {
  nodes: DagNode[];
  edges: Array<{ from: string; to: string }>;
  selected?: string | null;
  highlighted?: ReadonlySet<string>;
  onSelect?: (name: string) => void;
  label: string;
}

const NODE_H = 46;
const CHAR_W = 7.4;

interface Layout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number; width: number; height: number }>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
}

function layout(nodes: DagNode[], edges: Props['edges']): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 46, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const chars = Math.max(n.name.length, (n.note ?? '').length, (n.state ?? '').length + 2);
    g.setNode(n.name, { width: Math.max(110, Math.ceil(chars * CHAR_W) + 26), height: NODE_H });
  }
  const known = new Set(nodes.map((n) => n.name));
  for (const e of edges) if (known.has(e.from) && known.has(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const graph = g.graph();
  const out: Layout = { width: graph.width ?? 0, height: graph.height ?? 0, nodes: new Map(), edges: [] };
  for (const name of g.nodes()) {
    const n = g.node(name);
    out.nodes.set(name, { x: n.x, y: n.y, width: n.width, height: n.height });
  }
  for (const e of g.edges()) out.edges.push({ from: e.v, to: e.w, points: g.edge(e).points ?? [] });
  return out;
}

function path(points: Array<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

const DASHED = new Set(['skipped', 'cancelled']);

export function DagView({ nodes, edges, selected, highlighted, onSelect, label }: Props) {
  const key = JSON.stringify([nodes.map((n) => [n.name, n.note, n.state]), edges]);
  const lay = useMemo(() => layout(nodes, edges), [key]);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return (
    <div class="dag-scroll">
      <svg
        class="dag"
        role="group"
        aria-label={label}
        width={lay.width}
        height={lay.height}
        viewBox={`0 0 ${lay.width} ${lay.height}`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" class="dag-arrow" />
          </marker>
        </defs>
        {lay.edges.map((e) => {
          const to = byName.get(e.to)?.state ?? '';
          const hl = highlighted?.has(e.to) && (highlighted.has(e.from) || e.from === selected);
          return (
            <path
              key={`${e.from}->${e.to}`}
              d={path(e.points)}
              class={`dag-edge${DASHED.has(to) ? ' dashed' : ''}${hl ? ' highlight' : ''}`}
              marker-end="url(#arrow)"
            />
          );
        })}
        {nodes.map((n) => {
          const box = lay.nodes.get(n.name);
          if (!box) return null;
          const state = n.state ?? 'template';
          const cls = ['dag-node', `state-${state}`];
          if (DASHED.has(state)) cls.push('dashed');
          if (selected === n.name) cls.push('selected');
          if (highlighted?.has(n.name)) cls.push('highlight');
          const x = box.x - box.width / 2;
          const y = box.y - box.height / 2;
          const interactive = Boolean(onSelect);
          return (
            <g
              key={n.name}
              class={cls.join(' ')}
              data-step={n.name}
              data-state={n.state ?? undefined}
              data-highlight={highlighted?.has(n.name) ? 'true' : undefined}
              tabindex={interactive ? 0 : undefined}
              role={interactive ? 'button' : 'img'}
              aria-pressed={interactive ? selected === n.name : undefined}
              aria-label={n.state ? `step ${n.name}: ${stateLabel(n.state)}` : `step ${n.name}`}
              onClick={interactive ? () => onSelect!(n.name) : undefined}
              onKeyDown={
                interactive
                  ? (e: KeyboardEvent) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        onSelect!(n.name);
                      }
                    }
                  : undefined
              }
            >
              <rect x={x} y={y} width={box.width} height={box.height} rx="7" />
              <text x={box.x} y={y + 19} class="dag-name">
                {n.name}
              </text>
              <text x={box.x} y={y + 36} class="dag-state">
                {n.state ? stateLabel(n.state) : (n.note ?? '')}
                {n.state && n.note ? ` · ${n.note}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Every step downstream of `start` (not including it), following edges. */
export function downstreamOf(start: string, edges: Array<{ from: string; to: string }>): Set<string> {
  const out = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const cur = todo.pop()!;
    for (const e of edges) {
      if (e.from === cur && !out.has(e.to)) {
        out.add(e.to);
        todo.push(e.to);
      }
    }
  }
  return out;
}
